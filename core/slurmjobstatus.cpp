#include "slurmjobstatus.h"

#include <QRegularExpression>
#include <QStringList>

#include <csignal>

namespace requeue {

namespace {

const QStringList &activeStates()
{
    static const QStringList states {
        QStringLiteral("PENDING"),     QStringLiteral("RUNNING"),
        QStringLiteral("CONFIGURING"), QStringLiteral("COMPLETING"),
        QStringLiteral("SUSPENDED"),   QStringLiteral("REQUEUED"),
        QStringLiteral("REQUEUE_FED"), QStringLiteral("REQUEUE_HOLD"),
        QStringLiteral("RESIZING"),    QStringLiteral("SIGNALING"),
        QStringLiteral("STAGE_OUT"),   QStringLiteral("STOPPED"),
    };
    return states;
}

// "3:0" -> exit 3, signal 0.
void parseExitCode(QStringView text, SlurmJobStatus *status)
{
    const qsizetype colon = text.indexOf(u':');
    if (colon < 0) {
        status->exitCode = text.toInt();
        return;
    }
    status->exitCode = text.left(colon).toInt();
    status->signal = text.mid(colon + 1).toInt();
}

AttemptRecord withOutcome(AttemptOutcome outcome, int exitCode, int signal, const QString &message)
{
    AttemptRecord record;
    record.outcome = outcome;
    record.exitCode = exitCode;
    record.signal = signal;
    record.message = message;
    return record;
}

AttemptRecord fromExitStatus(int status, const QString &state)
{
    // The wrapper writes what sh reports: 128 + N for a command killed by N.
    if (status > 128 && status < 128 + 65)
        return withOutcome(AttemptOutcome::Signalled, -1, status - 128, {});
    if (status == 0)
        return withOutcome(AttemptOutcome::Succeeded, 0, 0, {});
    return withOutcome(AttemptOutcome::ExitCode, status, 0,
                       state.isEmpty() ? QString() : QStringLiteral("Slurm: %1").arg(state));
}

} // namespace

bool SlurmJobStatus::hasEnded() const
{
    return !state.isEmpty() && !activeStates().contains(state);
}

std::optional<SlurmJobStatus> parseScontrolJob(const QString &line)
{
    static const QRegularExpression field(QStringLiteral("(?:^|\\s)(\\w+)=(\\S*)"));
    SlurmJobStatus status;
    for (const QRegularExpressionMatch &match : field.globalMatch(line)) {
        const QStringView key = match.capturedView(1);
        const QString value = match.captured(2);
        if (key == u"JobId")
            status.jobId = value;
        else if (key == u"JobState")
            status.state = value;
        else if (key == u"Reason")
            status.reason = value;
        else if (key == u"NodeList")
            status.nodes = value == u"(null)" ? QString() : value;
        else if (key == u"ExitCode")
            parseExitCode(value, &status);
    }
    if (status.jobId.isEmpty() || status.state.isEmpty())
        return std::nullopt;
    return status;
}

QString squeueFormat()
{
    // %i job id, %T state, %r reason, %N nodes; '|' cannot occur in any of them.
    return QStringLiteral("%i|%T|%r|%N");
}

QHash<QString, SlurmJobStatus> parseSqueue(const QString &output)
{
    QHash<QString, SlurmJobStatus> jobs;
    const QStringList lines = output.split(u'\n', Qt::SkipEmptyParts);
    for (const QString &line : lines) {
        const QStringList fields = line.trimmed().split(u'|');
        if (fields.size() != 4 || fields.at(0).isEmpty() || fields.at(1).isEmpty())
            continue;
        SlurmJobStatus status;
        status.jobId = fields.at(0);
        status.state = fields.at(1);
        status.reason = fields.at(2);
        status.nodes = fields.at(3);
        jobs.insert(status.jobId, status);
    }
    return jobs;
}

AttemptRecord classifySlurmEnd(const SlurmJobStatus &status, std::optional<int> exitFile,
                               bool memoryExceeded, bool cancelRequested)
{
    const QString &state = status.state;
    if (state == u"COMPLETED" && status.exitCode == 0 && status.signal == 0)
        return withOutcome(AttemptOutcome::Succeeded, 0, 0, {});
    if (cancelRequested)
        return withOutcome(AttemptOutcome::Cancelled, -1, 0, QStringLiteral("cancelled"));
    if (state == u"TIMEOUT")
        return withOutcome(AttemptOutcome::TimedOut, -1, status.signal,
                           QStringLiteral("Slurm's time limit was reached (TIMEOUT)"));
    if (state == u"OUT_OF_MEMORY" || memoryExceeded)
        return withOutcome(AttemptOutcome::Signalled, -1, status.signal ? status.signal : SIGKILL,
                           QStringLiteral("out of memory: exceeded the job's memory limit "
                                          "(Slurm %1)")
                               .arg(state));
    if (state == u"CANCELLED")
        return withOutcome(AttemptOutcome::Signalled, -1, status.signal ? status.signal : SIGTERM,
                           QStringLiteral("cancelled outside Requeue (Slurm CANCELLED)"));
    if (state == u"NODE_FAIL" || state == u"PREEMPTED" || state == u"BOOT_FAIL"
        || state == u"DEADLINE") {
        return withOutcome(AttemptOutcome::Lost, -1, 0, QStringLiteral("Slurm: %1").arg(state));
    }
    // FAILED, COMPLETED with a non-zero code, and states this does not know.
    if (status.signal != 0)
        return withOutcome(AttemptOutcome::Signalled, -1, status.signal, {});
    if (status.exitCode != 0)
        return fromExitStatus(status.exitCode, {});
    if (exitFile)
        return fromExitStatus(*exitFile, state);
    return withOutcome(AttemptOutcome::Lost, -1, 0,
                       QStringLiteral("Slurm: %1 with no exit code").arg(state));
}

AttemptRecord classifyVanished(std::optional<int> exitFile, bool cancelRequested)
{
    if (cancelRequested)
        return withOutcome(AttemptOutcome::Cancelled, -1, 0, QStringLiteral("cancelled"));
    if (exitFile)
        return fromExitStatus(*exitFile, {});
    return withOutcome(AttemptOutcome::Lost, -1, 0,
                       QStringLiteral("lost: Slurm no longer knows the job and it left no exit "
                                      "status"));
}

} // namespace requeue
