#pragma once

// For tests against the test cluster (tests/slurm/cluster.sh): a Slurm run
// of the built `requeue` killed while its jobs are in Slurm, and what the
// run's journal and Slurm say about the jobs it submitted.

#include "journalline.h"

#include <QFile>
#include <QHash>
#include <QPair>
#include <QProcess>
#include <QSet>
#include <QStringList>
#include <QTest>

#include <algorithm>
#include <csignal>
#include <optional>

namespace requeue::test {

constexpr int SlurmWaitMs = 90'000; // a real scheduler on a loaded machine

inline QByteArray readFile(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

// Every Slurm job id each (seq, attempt) was started as, from the journal's
// "started" lines: a resumed attempt has a line from each process.
inline QHash<QPair<int, int>, QSet<QString>> clusterIdsByAttempt(const QString &runDir)
{
    QHash<QPair<int, int>, QSet<QString>> ids;
    const QByteArray events = readFile(runDir + QLatin1String("/events"));
    for (const QByteArray &line : events.split('\n')) {
        JournalFields fields;
        QString error;
        if (line.isEmpty() || !fields.parse(line, &error) || fields.event() != "started")
            continue;
        ids[{int(fields.integer("seq")), int(fields.integer("attempt"))}].insert(
            fields.string("cluster"));
    }
    return ids;
}

// Every job Slurm knows of: its id and name. Nothing if squeue fails.
inline std::optional<QList<QPair<qint64, QByteArray>>> slurmJobs()
{
    QProcess squeue;
    squeue.start(QStringLiteral("squeue"),
                 {QStringLiteral("--noheader"), QStringLiteral("--me"),
                  QStringLiteral("--states=all"), QStringLiteral("--format=%i|%j")});
    if (!squeue.waitForFinished(SlurmWaitMs) || squeue.exitCode() != 0)
        return std::nullopt;
    QList<QPair<qint64, QByteArray>> jobs;
    for (const QByteArray &line : squeue.readAllStandardOutput().split('\n')) {
        const qsizetype bar = line.indexOf('|');
        if (bar > 0)
            jobs.append({line.left(bar).trimmed().toLongLong(), line.mid(bar + 1).trimmed()});
    }
    return jobs;
}

// How many jobs Slurm has whose names start with "requeue-<runTag>-" (a
// SlurmExecutor's names are "requeue-<runTag>-<job>.<attempt>"); -1 if
// squeue fails.
inline int submittedWithTag(const QString &runTag)
{
    const QByteArray prefix = "requeue-" + runTag.toUtf8() + '-';
    const auto jobs = slurmJobs();
    if (!jobs)
        return -1;
    return int(std::count_if(jobs->cbegin(), jobs->cend(),
                             [&prefix](const auto &job) { return job.second.startsWith(prefix); }));
}

// How many jobs were submitted to Slurm after the one with `id`; -1 if
// squeue fails.
inline int submittedAfter(qint64 id)
{
    const auto jobs = slurmJobs();
    if (!jobs)
        return -1;
    return int(std::count_if(jobs->cbegin(), jobs->cend(),
                             [id](const auto &job) { return job.first > id; }));
}

// Whether every (seq, attempt) of `expected` has a Slurm job in the journal.
inline bool allSubmitted(const QString &runDir, const QList<QPair<int, int>> &expected)
{
    const auto ids = clusterIdsByAttempt(runDir);
    return std::all_of(expected.cbegin(), expected.cend(),
                       [&ids](const QPair<int, int> &attempt) { return ids.contains(attempt); });
}

// Runs `requeue run --backend slurm --poll 200ms <options> --run-dir
// <runDir> -q <list>` and kills it with SIGKILL once every attempt of
// `expected` is in Slurm. Sets `pid` to the killed process's. A failed check
// fails the calling test (QTest::currentTestFailed()).
inline void killSlurmRunOnceSubmitted(const QString &binary, const QString &list,
                                      const QString &runDir, const QStringList &options,
                                      const QList<QPair<int, int>> &expected, qint64 *pid)
{
    QProcess run;
    run.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    run.start(binary,
              QStringList {QStringLiteral("run"), QStringLiteral("--backend"),
                           QStringLiteral("slurm"), QStringLiteral("--poll"),
                           QStringLiteral("200ms")}
                  + options
                  + QStringList {QStringLiteral("--run-dir"), runDir, QStringLiteral("-q"), list});
    QVERIFY(run.waitForStarted());
    *pid = run.processId();
    QTRY_VERIFY_WITH_TIMEOUT(allSubmitted(runDir, expected), SlurmWaitMs);
    QVERIFY(run.state() == QProcess::Running);
    ::kill(pid_t(*pid), SIGKILL);
    QVERIFY(run.waitForFinished(SlurmWaitMs));
}

} // namespace requeue::test
