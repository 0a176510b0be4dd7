#include "runfollower.h"

namespace requeue {

RunFollower::RunFollower(JobRunner *runner, QObject *parent)
    : QObject(parent)
    , m_runner(runner)
{
    m_timer.setInterval(FollowIntervalMs);
    connect(&m_timer, &QTimer::timeout, this, &RunFollower::readNow);
}

bool RunFollower::open(const QString &dir)
{
    m_timer.stop();
    m_ids.clear();
    m_actionsSeen = 0;
    m_remotePaused = false;
    if (!m_reader.open(dir))
        return false;
    const RunHistory &history = m_reader.history();
    m_workers = history.info.workers;
    const bool live = history.status == RunHistory::Status::Running;
    const QList<JobId> ids = m_runner->addRecordedJobs(m_reader.takeRecordedJobs(),
                                                       live ? JobRunner::Recorded::Mirrored
                                                            : JobRunner::Recorded::Resumable);
    for (qsizetype i = 0; i < ids.size(); ++i)
        m_ids.insert(history.jobs[i].seq(), ids[i]);
    applyActions();
    if (live)
        m_timer.start();
    return true;
}

void RunFollower::readNow()
{
    if (!m_timer.isActive())
        return;
    const QSet<int> changed = m_reader.readMore();
    const RunHistory &history = m_reader.history();
    for (int seq : changed) {
        const int index = history.indexOfSeq(seq);
        const JobId id = m_ids.value(seq);
        if (index >= 0 && id != 0)
            m_runner->updateRecordedJob(id, history.jobs[index].toRecordedJob());
    }
    applyActions();
    if (history.status != RunHistory::Status::Running) {
        m_timer.stop();
        Q_EMIT runEnded();
    }
}

void RunFollower::applyActions()
{
    const QList<RunAction> &actions = m_reader.history().actions;
    bool paused = m_remotePaused;
    int workers = m_workers;
    for (; m_actionsSeen < actions.size(); ++m_actionsSeen) {
        const RunAction &action = actions[m_actionsSeen];
        if (action.action == QLatin1String("pause"))
            paused = true;
        else if (action.action == QLatin1String("resume"))
            paused = false;
        else if (action.action == QLatin1String("workers") && action.n > 0)
            workers = action.n;
    }
    if (paused != m_remotePaused) {
        m_remotePaused = paused;
        Q_EMIT remotePausedChanged(paused);
    }
    if (workers != m_workers) {
        m_workers = workers;
        Q_EMIT workersChanged(workers);
    }
}

} // namespace requeue
