#pragma once

#include "jobrunner.h"

#include <QList>
#include <QObject>

namespace requeue::test {

// Records a runner's signals on the test's thread. QSignalSpy appends from
// the emitting thread, which is unsafe when several workers emit at once;
// this receives everything through queued connections instead.
class RunnerEvents : public QObject
{
public:
    enum Kind { StateChanged, AttemptStarted, AttemptFinished, JobFinished, Idle };
    struct Event
    {
        Kind kind;
        JobId id;
        JobState state;
        int attempt;
    };

    explicit RunnerEvents(JobRunner *runner)
    {
        const auto queued = Qt::QueuedConnection;
        connect(
            runner, &JobRunner::jobStateChanged, this,
            [this](JobId id, JobState state) {
                m_events.append({StateChanged, id, state, 0});
            },
            queued);
        connect(
            runner, &JobRunner::attemptStarted, this,
            [this](JobId id, int attempt) {
                m_events.append({AttemptStarted, id, {}, attempt});
            },
            queued);
        connect(
            runner, &JobRunner::attemptFinished, this,
            [this](JobId id, const AttemptRecord &record) {
                m_events.append({AttemptFinished, id, {}, record.number});
            },
            queued);
        connect(
            runner, &JobRunner::jobFinished, this,
            [this](JobId id, JobState state) {
                m_events.append({JobFinished, id, state, 0});
            },
            queued);
        connect(
            runner, &JobRunner::idle, this,
            [this] {
                m_events.append({Idle, 0, {}, 0});
            },
            queued);
    }

    int count(Kind kind) const
    {
        return int(std::count_if(m_events.cbegin(), m_events.cend(),
                                 [kind](const Event &e) { return e.kind == kind; }));
    }
    QList<Event> events(Kind kind) const
    {
        QList<Event> matching;
        std::copy_if(m_events.cbegin(), m_events.cend(), std::back_inserter(matching),
                     [kind](const Event &e) { return e.kind == kind; });
        return matching;
    }
    const QList<Event> &all() const { return m_events; }

private:
    QList<Event> m_events;
};

} // namespace requeue::test
