#include "runreport.h"

#include "jobrunner.h"
#include "runhistory.h"
#include "timeaxis.h"
#include "timelinelayout.h"
#include "timelinesvg.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSaveFile>

#include <algorithm>
#include <map>

namespace requeue {

namespace {

constexpr int MaxTableJobs = 300;        // jobs listed in the table of trouble
constexpr int MaxAttemptsPerJob = 12;    // attempts listed per job (the last ones)
constexpr int StderrLines = 6;           // last lines of stderr per attempt
constexpr qint64 StderrTailBytes = 2048; // read at most this much of it
constexpr int StderrLineChars = 160;     // and keep the end of each line

const char *styleSheet()
{
    return "body{font:14px/1.4 sans-serif;margin:24px;color:#222;max-width:1100px}"
           "h1{font-size:22px}h2{font-size:17px;margin-top:28px}"
           ".cards{display:flex;flex-wrap:wrap;gap:10px}"
           ".card{border:1px solid #ddd;border-radius:6px;padding:8px 14px;min-width:90px}"
           ".card b{display:block;font-size:20px}"
           "table{border-collapse:collapse;font-size:13px}"
           "td,th{border-bottom:1px solid #eee;padding:3px 8px;text-align:left;vertical-align:top}"
           "td.n{white-space:nowrap}"
           "pre{margin:0;font-size:12px;white-space:pre-wrap;color:#555;max-width:600px}"
           ".legend span{display:inline-block;margin-right:12px}"
           ".sw{display:inline-block;width:10px;height:10px;margin-right:4px}"
           ".ok{color:#2e9e44}.bad{color:#d22d2d}"
           ".svgbox{overflow-x:auto}";
}

QString hex(quint32 rgb)
{
    return QStringLiteral("#%1").arg(rgb, 6, 16, QLatin1Char('0'));
}

QString esc(const QString &text)
{
    return xmlEscaped(text);
}

AttemptRecord recordFromJoblog(const JoblogAttempt &line, int number)
{
    AttemptRecord record;
    record.number = number;
    record.startedUs = line.startUs;
    record.finishedUs = line.startUs + std::max<qint64>(0, line.runtimeUs);
    record.exitCode = line.exitValue;
    record.signal = line.signal;
    if (line.exitValue == 0 && line.signal == 0)
        record.outcome = AttemptOutcome::Succeeded;
    else if (line.exitValue == -1)
        record.outcome = AttemptOutcome::TimedOut;
    else if (line.signal != 0)
        record.outcome = AttemptOutcome::Signalled;
    else
        record.outcome = AttemptOutcome::ExitCode;
    return record;
}

QString stderrTail(const QString &path)
{
    QFile file(path);
    if (path.isEmpty() || !file.open(QIODevice::ReadOnly))
        return {};
    if (file.size() > StderrTailBytes)
        file.seek(file.size() - StderrTailBytes);
    QString text = QString::fromUtf8(file.readAll());
    QStringList lines = text.split(QLatin1Char('\n'));
    while (!lines.isEmpty() && lines.last().isEmpty())
        lines.removeLast();
    if (lines.size() > StderrLines)
        lines = lines.mid(lines.size() - StderrLines);
    for (QString &line : lines) {
        if (line.size() > StderrLineChars)
            line = QStringLiteral("…") + line.right(StderrLineChars);
    }
    return lines.join(QLatin1Char('\n'));
}

QString lanesMeaning(LaneGrouping grouping)
{
    switch (grouping) {
    case LaneGrouping::Slots:
        return QStringLiteral("One lane per worker slot");
    case LaneGrouping::Nodes:
        return QStringLiteral("Lanes grouped per node, as many as ran on it at once");
    case LaneGrouping::Jobs:
        return QStringLiteral("One lane per job (a lane per node would be more than %1)")
            .arg(TimelineLayout::MaxGroupedLanes);
    }
    Q_UNREACHABLE();
    return {};
}

TimelineLayout layoutOf(const ReportInput &input)
{
    // Greedy lanes need the attempts in start order.
    struct Item
    {
        const ReportJob *job;
        int attempt;
    };
    std::vector<Item> items;
    for (const ReportJob &job : input.jobs) {
        for (int i = 0; i < job.attempts.size(); ++i)
            items.push_back({&job, i});
    }
    std::stable_sort(items.begin(), items.end(), [](const Item &a, const Item &b) {
        return a.job->attempts[a.attempt].startedUs < b.job->attempts[b.attempt].startedUs;
    });
    TimelineLayout layout;
    for (const Item &item : items) {
        const AttemptRecord &record = item.job->attempts[item.attempt];
        layout.update(JobId(item.job->seq), item.job->seq, record, record.finishedUs == 0);
    }
    return layout;
}

class ReportWriter
{
public:
    explicit ReportWriter(const ReportInput &input)
        : m_input(input)
        , m_summary(summarizeReport(input))
    { }

    QString render()
    {
        m_out += QStringLiteral("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta "
                                "charset=\"utf-8\"/>\n<title>%1</title>\n<style>%2</style>\n"
                                "</head>\n<body>\n")
                     .arg(esc(QStringLiteral("Requeue report: ") + m_input.title),
                          QLatin1String(styleSheet()));
        m_out += QStringLiteral("<h1>%1</h1>\n").arg(esc(m_input.title));
        writeSummary();
        writeTimeline();
        writeHistogram();
        writeTroubleTable();
        m_out
            += QStringLiteral("<p class=\"lbl\">Written by Requeue on %1.</p>\n</body>\n</html>\n")
                   .arg(QDateTime::currentDateTime().toString(Qt::ISODate));
        return m_out;
    }

private:
    void card(const QString &id, const QString &label, const QString &value)
    {
        m_out += QStringLiteral("<div class=\"card\"><b id=\"%1\">%2</b>%3</div>")
                     .arg(id, esc(value), esc(label));
    }

    void writeSummary()
    {
        const ReportSummary &s = m_summary;
        m_out += QStringLiteral("<h2>Summary</h2>\n<div class=\"cards\">");
        card(QStringLiteral("jobs"), QStringLiteral("jobs"), QString::number(s.jobs));
        card(QStringLiteral("succeeded"), QStringLiteral("succeeded"),
             QString::number(s.succeeded));
        card(QStringLiteral("failed"), QStringLiteral("failed"), QString::number(s.failed));
        if (s.cancelled > 0)
            card(QStringLiteral("cancelled"), QStringLiteral("cancelled"),
                 QString::number(s.cancelled));
        card(QStringLiteral("attempts"), QStringLiteral("attempts"), QString::number(s.attempts));
        card(QStringLiteral("retries"), QStringLiteral("retries"), QString::number(s.retries));
        card(QStringLiteral("wall"), QStringLiteral("wall time"),
             formatDurationUs(qint64(s.wallSeconds * 1e6)));
        card(QStringLiteral("rate"), QStringLiteral("attempts/s"),
             QString::number(s.attemptsPerSecond, 'f', 2));
        m_out += QStringLiteral("</div>\n");
    }

    void writeTimeline()
    {
        const TimelineLayout layout = layoutOf(m_input);
        m_out += QStringLiteral("<h2>Timeline</h2>\n<p class=\"legend\">");
        for (int kind = 0; kind < BarKindCount; ++kind) {
            m_out += QStringLiteral("<span><i class=\"sw\" style=\"background:%1\"></i>%2</span>")
                         .arg(hex(barRgb(BarKind(kind))), barKindName(BarKind(kind)));
        }
        m_out += QStringLiteral("<span><i class=\"sw\" style=\"background:%1\"></i>retry "
                                "wait</span></p>\n")
                     .arg(hex(waitRgb()));
        if (layout.attempts().empty()) {
            m_out += QStringLiteral("<p>No attempt was made.</p>\n");
            return;
        }
        QHash<int, const ReportJob *> bySeq;
        for (const ReportJob &job : m_input.jobs)
            bySeq.insert(job.seq, &job);
        TimelineSvgOptions options;
        options.width = 1060;
        options.laneHeight = std::clamp(400 / std::max(1, layout.laneCount()), 3, 16);
        options.nowUs = layout.lastEndUs(0);
        options.describe = [&bySeq](const TimelineAttempt &a) {
            const ReportJob *job = bySeq.value(a.seq);
            const QString name = job && !job->name.isEmpty() ? job->name : QString();
            QString text = QStringLiteral("#%1 %2, attempt %3: %4")
                               .arg(a.seq)
                               .arg(name)
                               .arg(a.record.number)
                               .arg(a.isRunning() ? QStringLiteral("running") : a.record.summary());
            if (!a.record.node.isEmpty())
                text += QStringLiteral(" on ") + a.record.node;
            return text;
        };
        m_out += QStringLiteral("<div class=\"svgbox\">\n");
        m_out += renderTimelineSvg(layout, options);
        m_out += QStringLiteral("</div>\n<p class=\"lbl\">%1; hover a bar for the job, "
                                "attempt, start, duration and result.</p>\n")
                     .arg(lanesMeaning(layout.grouping()));
    }

    void writeHistogram()
    {
        // Attempts per job: exact up to 20, the rest together.
        std::map<int, int> counts;
        for (const ReportJob &job : m_input.jobs)
            ++counts[std::min<int>(int(job.attempts.size()), 21)];
        m_out += QStringLiteral("<h2>Attempts per job</h2>\n");
        int most = 1;
        for (const auto &[attempts, jobs] : counts)
            most = std::max(most, jobs);
        const int barWidth = 36;
        const int height = 140;
        const int width = int(counts.size()) * (barWidth + 8) + 8;
        m_out += QStringLiteral("<svg class=\"histogram\" width=\"%1\" height=\"%2\" "
                                "viewBox=\"0 0 %1 %2\" role=\"img\">\n")
                     .arg(width)
                     .arg(height + 34);
        int x = 8;
        for (const auto &[attempts, jobs] : counts) {
            const double h = double(height) * jobs / most;
            const QString label = attempts > 20 ? QStringLiteral("21+") : QString::number(attempts);
            m_out += QStringLiteral("<g><title>%1 jobs with %2 attempts</title><rect x=\"%3\" "
                                    "y=\"%4\" width=\"%5\" height=\"%6\" fill=\"%7\"/>"
                                    "<text x=\"%8\" y=\"%9\" font-size=\"11\" "
                                    "text-anchor=\"middle\">%2</text>"
                                    "<text x=\"%8\" y=\"%10\" font-size=\"11\" "
                                    "text-anchor=\"middle\">%1</text></g>\n")
                         .arg(jobs)
                         .arg(label)
                         .arg(x)
                         .arg(QString::number(height + 14 - h, 'f', 1))
                         .arg(barWidth)
                         .arg(QString::number(h, 'f', 1))
                         .arg(hex(attempts <= 1 ? barRgb(BarKind::Succeeded) : waitRgb()))
                         .arg(x + barWidth / 2)
                         .arg(height + 28)
                         .arg(std::max(10.0, height + 10 - h), 0, 'f', 1);
            x += barWidth + 8;
        }
        m_out += QStringLiteral("</svg>\n<p class=\"lbl\">Jobs (bar height) by the number of "
                                "attempts they made.</p>\n");
    }

    void writeTroubleTable()
    {
        QList<const ReportJob *> trouble;
        for (const ReportJob &job : m_input.jobs) {
            if (job.attempts.size() > 1
                || (job.state != JobState::Succeeded && !job.attempts.isEmpty()))
                trouble.append(&job);
        }
        m_out += QStringLiteral("<h2>Jobs that failed or were retried (%1)</h2>\n")
                     .arg(trouble.size());
        if (trouble.isEmpty()) {
            m_out += QStringLiteral("<p>None: every job succeeded at its first attempt.</p>\n");
            return;
        }
        // Failures first, then the jobs with the most attempts.
        std::stable_sort(trouble.begin(), trouble.end(),
                         [](const ReportJob *a, const ReportJob *b) {
                             const bool failedA = a->state != JobState::Succeeded;
                             const bool failedB = b->state != JobState::Succeeded;
                             if (failedA != failedB)
                                 return failedA;
                             return a->attempts.size() > b->attempts.size();
                         });
        m_out += QStringLiteral("<table id=\"trouble\">\n<tr><th>#</th><th>job</th><th>state</th>"
                                "<th>attempt</th><th>start</th><th>duration</th><th>result</th>"
                                "<th>stderr (last lines)</th></tr>\n");
        const qint64 origin = firstStart();
        for (qsizetype i = 0; i < std::min<qsizetype>(trouble.size(), MaxTableJobs); ++i)
            writeTroubleJob(*trouble[i], origin);
        m_out += QStringLiteral("</table>\n");
        if (trouble.size() > MaxTableJobs) {
            m_out += QStringLiteral("<p>… and %1 more jobs not listed.</p>\n")
                         .arg(trouble.size() - MaxTableJobs);
        }
    }

    void writeTroubleJob(const ReportJob &job, qint64 origin)
    {
        const int count = int(job.attempts.size());
        const int first = std::max(0, count - MaxAttemptsPerJob);
        const int rows = count - first + (first > 0 ? 1 : 0);
        const bool ok = job.state == JobState::Succeeded;
        m_out += QStringLiteral("<tr><td rowspan=\"%1\">%2</td><td rowspan=\"%1\">%3<br/><code>%4"
                                "</code></td><td rowspan=\"%1\" class=\"%5\">%6</td>")
                     .arg(rows)
                     .arg(job.seq)
                     .arg(esc(job.name), esc(job.command.left(200)),
                          ok ? QStringLiteral("ok") : QStringLiteral("bad"),
                          esc(jobStateName(job.state)));
        if (first > 0) {
            m_out += QStringLiteral("<td colspan=\"5\">… %1 earlier attempts</td></tr>\n<tr>")
                         .arg(first);
        }
        for (int i = first; i < count; ++i) {
            const AttemptRecord &a = job.attempts[i];
            if (i > first)
                m_out += QStringLiteral("<tr>");
            const QString tail = stderrTail(job.stderrPaths.value(i));
            QString result = a.finishedUs ? a.summary() : QStringLiteral("running");
            if (!a.node.isEmpty())
                result += QStringLiteral(" on ") + a.node; // a bad node shows as a pattern here
            m_out += QStringLiteral(
                         "<td class=\"n\">%1</td><td class=\"n\">+%2</td><td class=\"n\">%3</td>"
                         "<td class=\"n %4\">%5</td>"
                         "<td><pre>%6</pre></td></tr>\n")
                         .arg(a.number)
                         .arg(formatDurationUs(a.startedUs - origin),
                              a.finishedUs ? formatDurationUs(a.durationUs())
                                           : QStringLiteral("running"),
                              a.succeeded() ? QStringLiteral("ok") : QStringLiteral("bad"),
                              esc(result), esc(tail));
        }
    }

    qint64 firstStart() const
    {
        qint64 first = 0;
        for (const ReportJob &job : m_input.jobs) {
            for (const AttemptRecord &a : job.attempts) {
                if (first == 0 || a.startedUs < first)
                    first = a.startedUs;
            }
        }
        return first;
    }

    const ReportInput &m_input;
    ReportSummary m_summary;
    QString m_out;
};

} // namespace

ReportSummary summarizeReport(const ReportInput &input)
{
    ReportSummary s;
    qint64 first = 0;
    qint64 last = 0;
    for (const ReportJob &job : input.jobs) {
        ++s.jobs;
        s.succeeded += job.state == JobState::Succeeded;
        s.failed += job.state == JobState::Failed;
        s.cancelled += job.state == JobState::Cancelled;
        s.attempts += int(job.attempts.size());
        s.retries += std::max(0, int(job.attempts.size()) - 1);
        for (const AttemptRecord &a : job.attempts) {
            if (first == 0 || a.startedUs < first)
                first = a.startedUs;
            last = std::max({last, a.finishedUs, a.startedUs});
        }
    }
    s.wallSeconds = double(last - first) / 1e6;
    s.attemptsPerSecond = s.wallSeconds > 0 ? s.attempts / s.wallSeconds : 0;
    return s;
}

QByteArray renderRunReport(const ReportInput &input)
{
    return ReportWriter(input).render().toUtf8();
}

bool writeRunReport(const ReportInput &input, const QString &path, QString *error)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(renderRunReport(input)) < 0
        || !file.commit()) {
        if (error)
            *error = QStringLiteral("%1: %2").arg(path, file.errorString());
        return false;
    }
    return true;
}

ReportInput reportFromJoblog(const Joblog &log, const QString &resultsDir)
{
    ReportInput input;
    input.title = QFileInfo(log.path).fileName();
    QMap<int, ReportJob> jobs;
    for (const JoblogAttempt &line : log.attempts) {
        ReportJob &job = jobs[line.seq];
        job.seq = line.seq;
        const int number = int(job.attempts.size()) + 1;
        job.attempts.append(recordFromJoblog(line, number));
        job.stderrPaths.append(
            resultsDir.isEmpty()
                ? QString()
                : QDir(resultsDir)
                      .filePath(QStringLiteral("%1/%2/stderr").arg(line.seq).arg(number)));
    }
    for (auto it = jobs.begin(); it != jobs.end(); ++it) {
        const JoblogJob &known = log.jobs.value(it.key());
        it->command = known.command;
        it->name = QStringLiteral("#%1").arg(it.key());
        it->state = known.succeeded ? JobState::Succeeded : JobState::Failed;
        input.jobs.append(*it);
    }
    return input;
}

namespace {

QString stderrPathOf(const RunAttempt &attempt, int seq, const QString &resultsDir)
{
    if (resultsDir.isEmpty())
        return attempt.stderrPath;
    return QDir(resultsDir)
        .filePath(QStringLiteral("%1/%2/stderr").arg(seq).arg(attempt.record.number));
}

} // namespace

ReportInput reportFromRunHistory(const RunHistory &history, const QString &resultsDir)
{
    ReportInput input;
    input.title = history.info.listPath.isEmpty() ? QFileInfo(history.dir).fileName()
                                                  : QFileInfo(history.info.listPath).fileName();
    // What a crash cut off never gets a result; the report should not show it
    // growing forever.
    const bool live = history.status == RunHistory::Status::Running;
    for (const RunJob &runJob : history.jobs) {
        ReportJob job;
        job.seq = runJob.seq();
        job.name = runJob.spec.name;
        job.command = runJob.spec.displayCommand();
        job.state = runJob.state;
        for (const RunAttempt &attempt : runJob.history) {
            if (attempt.record.startedUs == 0 && !attempt.finished)
                continue; // no start record: a torn journal
            AttemptRecord record = attempt.record;
            if (!attempt.finished && !live) {
                record.outcome = AttemptOutcome::Lost;
                record.finishedUs = std::max(record.startedUs, history.lastActivityUs);
                record.message = QStringLiteral("no result: the run ended without one");
            }
            job.attempts.append(record);
            job.stderrPaths.append(stderrPathOf(attempt, job.seq, resultsDir));
        }
        input.jobs.append(job);
    }
    return input;
}

ReportInput reportFromRunner(const JobRunner &runner, const QString &title)
{
    ReportInput input;
    input.title = title;
    for (JobId id : runner.jobIds()) {
        const JobSnapshot snap = runner.snapshot(id, true);
        ReportJob job;
        job.seq = snap.seq;
        job.name = snap.name;
        job.command = snap.command;
        job.state = snap.state;
        job.attempts = snap.history;
        for (const AttemptRecord &a : snap.history)
            job.stderrPaths.append(runner.outputPath(id, a.number, OutputStream::Stderr));
        input.jobs.append(job);
    }
    return input;
}

} // namespace requeue
