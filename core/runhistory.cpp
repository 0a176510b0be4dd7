#include "runhistory.h"

#include "journalline.h"
#include "rundirectory.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonParseError>

#include <algorithm>
#include <optional>
#include <thread>

using namespace Qt::StringLiterals;

namespace requeue {

namespace {

constexpr int MaxJournalErrors = 100; // then one line says how many more

std::optional<JobState> stateFromName(QStringView name)
{
    for (int i = 0; i < JobStateCount; ++i) {
        if (jobStateName(JobState(i)) == name)
            return JobState(i);
    }
    return std::nullopt;
}

std::optional<AttemptOutcome> outcomeFromName(QStringView name)
{
    for (int i = 0; i <= int(AttemptOutcome::Exception); ++i) {
        if (attemptOutcomeName(AttemptOutcome(i)) == name)
            return AttemptOutcome(i);
    }
    return std::nullopt;
}

// The attempt numbered `number`, made if new; the list stays sorted.
RunAttempt &attemptOf(RunJob *job, int number)
{
    QList<RunAttempt> &history = job->history;
    auto it = history.end();
    while (it != history.begin() && (it - 1)->record.number >= number)
        --it;
    if (it != history.end() && it->record.number == number)
        return *it;
    RunAttempt attempt;
    attempt.record.number = number;
    job->attempts = qMax(job->attempts, number);
    return *history.insert(it, attempt);
}

} // namespace

const RunAttempt *RunJob::lastFinished() const
{
    for (auto it = history.crbegin(); it != history.crend(); ++it) {
        if (it->finished)
            return &*it;
    }
    return nullptr;
}

RecordedJob RunJob::toRecordedJob() const
{
    RecordedJob recorded = recordWithoutSpec();
    recorded.spec = spec;
    return recorded;
}

RecordedJob RunJob::takeRecordedJob()
{
    RecordedJob recorded = recordWithoutSpec();
    recorded.spec = std::move(spec);
    spec = JobSpec();
    spec.seq = recorded.spec.seq; // still the job's key
    return recorded;
}

RecordedJob RunJob::recordWithoutSpec() const
{
    RecordedJob recorded;
    recorded.state = state;
    recorded.attempts = attempts;
    recorded.finishedUs = finishedUs;
    recorded.history.reserve(history.size());
    for (const RunAttempt &attempt : history) {
        if (!recorded.firstStartedUs)
            recorded.firstStartedUs = attempt.record.startedUs;
        if (attempt.finished)
            recorded.history.append(attempt.record);
        else if (attempt.record.number == attempts)
            recorded.runningSinceUs = attempt.record.startedUs;
        // <folder>/<attempt>/stdout: the folder later attempts write to as well
        if (recorded.outputFolder.isEmpty() && !attempt.stdoutPath.isEmpty())
            recorded.outputFolder = QFileInfo(attempt.stdoutPath)
                                        .dir()
                                        .absolutePath()
                                        .section(QLatin1Char('/'), 0, -2);
    }
    return recorded;
}

AdoptedAttempt RunJob::attemptToAdopt() const
{
    const RunAttempt *last = history.isEmpty() ? nullptr : &history.constLast();
    if (last && !last->finished && last->record.number == attempts
        && !last->clusterJobId.isEmpty()) {
        return {seq(), attempts, last->clusterJobId, last->record.startedUs};
    }
    return {seq(), attempts + 1, QString(), 0};
}

int RunHistory::totalAttempts() const
{
    int total = 0;
    for (const RunJob &job : jobs)
        total += job.attempts;
    return total;
}

QList<AdoptedAttempt> RunHistory::attemptsToAdopt() const
{
    QList<AdoptedAttempt> attempts;
    for (const RunJob &job : jobs) {
        if (job.state != JobState::Succeeded)
            attempts.append(job.attemptToAdopt());
    }
    return attempts;
}

int RunHistory::count(JobState state) const
{
    return int(std::count_if(jobs.cbegin(), jobs.cend(),
                             [state](const RunJob &job) { return job.state == state; }));
}

int RunHistory::indexOfSeq(int seq) const
{
    // Jobs are in seq order and seqs are usually 1..n.
    if (seq >= 1 && seq <= jobs.size() && jobs[seq - 1].seq() == seq)
        return seq - 1;
    const auto it = std::lower_bound(jobs.cbegin(), jobs.cend(), seq,
                                     [](const RunJob &job, int s) { return job.seq() < s; });
    return it != jobs.cend() && it->seq() == seq ? int(it - jobs.cbegin()) : -1;
}

QString RunHistory::statusName(Status status)
{
    switch (status) {
    case Status::Running:
        return u"running"_s;
    case Status::Finished:
        return u"finished"_s;
    case Status::Crashed:
        return u"crashed"_s;
    }
    Q_UNREACHABLE();
    return {};
}

bool RunReader::open(const QString &dir)
{
    m_history = RunHistory();
    m_indexOfSeq.clear();
    m_pending.clear();
    m_offset = 0;
    m_lines = 0;
    m_lastBadLine = -1;
    m_history.dir = QFileInfo(dir).absoluteFilePath();
    const QString infoPath = m_history.dir + u'/' + QLatin1String(RunDirectory::InfoFile);
    QFile file(infoPath);
    if (!file.open(QIODevice::ReadOnly)) {
        m_history.errors.append(
            {infoPath, 0, 0,
             QFileInfo(dir).isDir()
                 ? u"cannot read it: %1 (is this a run directory?)"_s.arg(file.errorString())
                 : u"no such run directory"_s});
        return false;
    }
    // run.json and the journal take about as long to read: run.json is
    // parsed on another thread meanwhile (only values cross: its bytes in,
    // the RunInfo out).
    const QByteArray infoBytes = file.readAll();
    RunInfo info;
    QString message;
    bool infoOk = false;
    std::thread infoReader([&] { infoOk = readInfo(infoBytes, &info, &message); });
    m_deferring = true;
    readMore();
    m_deferring = false;
    infoReader.join();
    if (!infoOk) {
        const QString runDir = m_history.dir;
        m_history = RunHistory(); // what the journal said counts for nothing without run.json
        m_history.dir = runDir;
        m_history.errors.append({infoPath, 0, 0, message});
        m_deferred = {};
        m_deferredIndex = {};
        m_deferredLines = {};
        return false;
    }
    m_history.info = std::move(info);
    m_history.infoOk = true;
    QList<JobSpec> specs = std::move(m_history.info.jobs);
    m_history.info.jobs.clear(); // kept once, in `jobs` (a moved-from list may hold anything)
    // Written in seq order: sorting a sorted list would still move every spec.
    const auto bySeq = [](const JobSpec &a, const JobSpec &b) {
        return a.seq < b.seq;
    };
    if (!std::is_sorted(specs.cbegin(), specs.cend(), bySeq))
        std::stable_sort(specs.begin(), specs.end(), bySeq);
    takeDeferredJobs(std::move(specs));
    return true;
}

// Runs on open()'s second thread: reentrant.
bool RunReader::readInfo(const QByteArray &bytes, RunInfo *info, QString *message)
{
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(bytes, &parseError);
    if (parseError.error != QJsonParseError::NoError)
        *message
            = u"not JSON: %1 at byte %2"_s.arg(parseError.errorString()).arg(parseError.offset);
    else if (!RunInfo::fromJson(document.object(), info, message) && message->isEmpty())
        *message = u"not a run description"_s;
    return message->isEmpty();
}

// The jobs of run.json, each with what the journal said of its seq; lines
// about seqs run.json does not have are errors, in line order with the rest.
void RunReader::takeDeferredJobs(QList<JobSpec> &&specs)
{
    m_history.jobs.reserve(specs.size());
    for (JobSpec &spec : specs) {
        const int seq = spec.seq;
        m_indexOfSeq.insert(seq, int(m_history.jobs.size()));
        RunJob job;
        if (seq >= 1 && size_t(seq) < m_deferredIndex.size() && m_deferredIndex[size_t(seq)] > 0)
            job = std::move(m_deferred[size_t(m_deferredIndex[size_t(seq)] - 1)]);
        job.spec = std::move(spec);
        m_history.jobs.append(std::move(job));
    }
    m_deferred = {};
    m_deferredIndex = {};
    QList<JobFileError> earlier = std::move(m_history.errors);
    m_history.errors.clear();
    qsizetype next = 0;
    for (const auto &[line, seq] : m_deferredLines) {
        if (m_indexOfSeq.contains(seq))
            continue;
        for (; next < earlier.size() && earlier[next].line < line; ++next)
            m_history.errors.append(earlier[next]);
        addError(line, u"job %1 is not in run.json, skipped"_s.arg(seq));
    }
    m_history.errors.append(earlier.mid(next));
    m_deferredLines = {};
}

QSet<int> RunReader::readMore()
{
    QSet<int> changed;
    // Asked before reading: a writer gone now has written all it ever will.
    const bool live = RunDirectory::isLive(m_history.dir);
    QFile file(m_history.dir + u'/' + QLatin1String(RunDirectory::EventsFile));
    if (file.open(QIODevice::ReadOnly) && file.size() > m_offset && file.seek(m_offset)) {
        QByteArray data = file.readAll();
        m_offset += data.size();
        if (!m_pending.isEmpty())
            data.prepend(m_pending);
        m_pending.clear();
        qsizetype begin = 0;
        while (begin < data.size()) {
            const qsizetype end = data.indexOf('\n', begin);
            if (end < 0) {
                m_pending = data.sliced(begin);
                break;
            }
            ++m_lines;
            applyLine(QByteArrayView(data).sliced(begin, end - begin), m_lines, &changed);
            begin = end + 1;
        }
    }
    finishRead(!live);
    if (live)
        m_history.status = RunHistory::Status::Running;
    else
        m_history.status
            = m_history.ended() ? RunHistory::Status::Finished : RunHistory::Status::Crashed;
    return changed;
}

void RunReader::finishRead(bool atEnd)
{
    if (!atEnd || m_pending.isEmpty())
        return;
    m_history.warnings.append(
        {m_history.dir + u'/' + QLatin1String(RunDirectory::EventsFile), m_lines + 1, 0,
         u"incomplete last line (%1 bytes; the run was cut short), skipped"_s.arg(
             m_pending.size())});
    m_pending.clear();
}

// A seq no list reaches: a line with a larger one is an error at once, so
// that a broken journal cannot make open() index billions of seqs.
constexpr int MaxDeferredSeq = 10'000'000;

RunJob *RunReader::deferredJob(int seq, int line)
{
    if (seq < 1 || seq > MaxDeferredSeq)
        return nullptr;
    m_deferredLines.emplace_back(line, seq);
    if (size_t(seq) >= m_deferredIndex.size())
        m_deferredIndex.resize(std::max(size_t(seq) + 1, 2 * m_deferredIndex.size()), 0);
    int &index = m_deferredIndex[size_t(seq)];
    if (index == 0) {
        m_deferred.emplace_back();
        m_deferred.back().spec.seq = seq;
        index = int(m_deferred.size());
    }
    return &m_deferred[size_t(index - 1)];
}

RunJob *RunReader::job(int seq, int line)
{
    if (m_deferring)
        return deferredJob(seq, line);
    // Seqs are usually 1..n: no hash lookup for each journal line then.
    if (seq >= 1 && seq <= m_history.jobs.size() && m_history.jobs[seq - 1].seq() == seq)
        return &m_history.jobs[seq - 1];
    const auto it = m_indexOfSeq.constFind(seq);
    return it == m_indexOfSeq.cend() ? nullptr : &m_history.jobs[*it];
}

QList<RecordedJob> RunReader::takeRecordedJobs()
{
    QList<RecordedJob> jobs;
    jobs.reserve(m_history.jobs.size());
    for (RunJob &job : m_history.jobs)
        jobs.append(job.takeRecordedJob());
    return jobs;
}

QString RunReader::resolve(const QString &path) const
{
    if (path.isEmpty() || path.startsWith(u'/'))
        return path;
    return m_history.dir + u'/' + path;
}

void RunReader::addError(int line, const QString &message)
{
    const QString file = m_history.dir + u'/' + QLatin1String(RunDirectory::EventsFile);
    if (m_history.errors.size() < MaxJournalErrors)
        m_history.errors.append({file, line, 0, message});
    else if (m_history.errors.size() == MaxJournalErrors)
        m_history.errors.append({file, line, 0, u"too many errors; later ones are not listed"_s});
}

// A resumed writer starts on a fresh line after a torn one: that line is the
// crash's last, not a record lost in the middle.
void RunReader::forgiveTornLine(int line)
{
    for (qsizetype i = m_history.errors.size() - 1; i >= 0; --i) {
        if (m_history.errors[i].line == line) {
            JobFileError warning = m_history.errors.takeAt(i);
            warning.message = u"incomplete last line of the run before the resume "
                              u"(%1 bytes; it was cut short), skipped"_s.arg(m_lastBadSize);
            m_history.warnings.append(warning);
            return;
        }
    }
}

void RunReader::applyLine(QByteArrayView line, int number, QSet<int> *changed)
{
    if (line.trimmed().isEmpty())
        return; // the line break a resumed writer adds after a torn line
    JournalFields fields;
    QString message;
    if (!fields.parse(line, &message)) {
        addError(number, u"malformed record (%1), skipped"_s.arg(message));
        m_lastBadLine = number;
        m_lastBadSize = line.size();
        return;
    }
    m_history.lastActivityUs
        = qMax(m_history.lastActivityUs, qMax(fields.integer("t"), fields.integer("end")));
    const QByteArrayView event = fields.event();
    if (event == "run-started") {
        RunSegment segment;
        segment.startedUs = fields.integer("t");
        segment.pid = fields.integer("pid");
        segment.host = fields.string("host");
        segment.resumed = fields.boolean("resume");
        m_history.segments.append(segment);
        if (segment.resumed && m_lastBadLine == number - 1)
            forgiveTornLine(number - 1);
        return;
    }
    if (event == "run-ended") {
        if (m_history.segments.isEmpty())
            m_history.segments.append(RunSegment());
        RunSegment &segment = m_history.segments.last();
        segment.endedUs = fields.integer("t");
        segment.how = fields.string("how");
        return;
    }
    if (event == "action") {
        m_history.actions.append({fields.integer("t"), fields.string("action"),
                                  fields.integers("seqs"), int(fields.integer("n", -1))});
        return;
    }
    const bool attemptEvent = event == "started" || event == "pid" || event == "finished";
    if (!attemptEvent && event != "state")
        return; // an event of a later version: ignored
    const int seq = int(fields.integer("seq"));
    RunJob *target = job(seq, number);
    if (!target) {
        addError(number, u"job %1 is not in run.json, skipped"_s.arg(seq));
        return;
    }
    changed->insert(seq);
    if (event == "state") {
        const auto state = stateFromName(fields.string("state"));
        if (!state) {
            addError(number, u"unknown state \"%1\", skipped"_s.arg(fields.string("state")));
            return;
        }
        target->state = *state;
        target->attempts = qMax(target->attempts, int(fields.integer("attempts")));
        if (isTerminal(*state))
            target->finishedUs = fields.integer("t");
        return;
    }
    const int attemptNumber = int(fields.integer("attempt"));
    if (attemptNumber < 1) {
        addError(number, u"no attempt number, skipped"_s);
        return;
    }
    RunAttempt &attempt = attemptOf(target, attemptNumber);
    if (event == "started") {
        if (!attempt.finished)
            attempt.record.startedUs = fields.integer("t");
        // The job's move to running (the recorder writes no "state" line for it).
        if (!attempt.finished && attemptNumber >= target->attempts) {
            target->state = JobState::Running;
            target->attempts = attemptNumber;
        }
        attempt.stdoutPath = resolve(fields.string("stdout"));
        attempt.stderrPath = resolve(fields.string("stderr"));
        if (fields.has("pid")) // since the line waits for the process
            attempt.pid = fields.integer("pid");
        if (fields.has("cluster"))
            attempt.clusterJobId = fields.string("cluster");
    } else if (event == "pid") {
        attempt.pid = fields.integer("pid");
    } else if (event == "finished") {
        const auto outcome = outcomeFromName(fields.string("outcome"));
        if (!outcome) {
            addError(number, u"unknown outcome \"%1\", skipped"_s.arg(fields.string("outcome")));
            return;
        }
        AttemptRecord &record = attempt.record;
        record.outcome = *outcome;
        record.startedUs = fields.integer("start");
        record.finishedUs = fields.integer("end");
        record.exitCode = int(fields.integer("exit", -1));
        record.signal = int(fields.integer("signal"));
        record.message = fields.string("msg");
        record.node
            = fields.string("node"); // absent before nodes were recorded, and for local runs
        attempt.finished = true;
    }
}

RunHistory readRunDirectory(const QString &dir, bool withSize)
{
    RunReader reader;
    reader.open(dir);
    RunHistory history = reader.takeHistory();
    if (withSize)
        history.sizeOnDisk = directorySize(history.dir);
    return history;
}

qint64 directorySize(const QString &dir)
{
    qint64 total = 0;
    QDirIterator it(dir, QDir::Files | QDir::Hidden | QDir::System | QDir::NoSymLinks,
                    QDirIterator::Subdirectories);
    while (it.hasNext()) {
        it.next();
        total += it.fileInfo().size();
    }
    return total;
}

QList<RunEntry> listRuns(const QString &root)
{
    QList<RunEntry> runs;
    const QDir dir(root);
    for (const QString &name : dir.entryList(QDir::Dirs | QDir::NoDotAndDotDot)) {
        const QString path = dir.absoluteFilePath(name);
        if (!RunDirectory::isRunDirectory(path))
            continue;
        runs.append({name, readRunDirectory(path, true)});
    }
    std::sort(runs.begin(), runs.end(), [](const RunEntry &a, const RunEntry &b) {
        const qint64 x = a.history.startedUs();
        const qint64 y = b.history.startedUs();
        return x != y ? x > y : a.id > b.id;
    });
    return runs;
}

QStringList runsToPrune(const QList<RunEntry> &runs, int keep, qint64 maxBytes)
{
    QStringList doomed;
    qint64 total = 0;
    int kept = 0;
    for (const RunEntry &entry : runs) {
        if (entry.history.status == RunHistory::Status::Running)
            continue; // not ours to remove, and not counted
        const qint64 size = entry.history.sizeOnDisk;
        if (kept < keep && (maxBytes < 0 || total + size <= maxBytes)) {
            ++kept;
            total += size;
        } else {
            doomed.append(entry.history.dir);
        }
    }
    return doomed;
}

} // namespace requeue
