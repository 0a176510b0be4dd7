#pragma once

#include "attemptrecord.h"
#include "jobstate.h"

#include <QList>
#include <QString>

namespace requeue {

// A copy of a job's state at one moment, safe to keep and pass between threads.
struct JobSnapshot
{
    JobId id = 0;
    int seq = 0;
    QString name;
    QString command;       // display form
    bool callable = false; // a C++ callable's job, not a process's
    JobState state = JobState::Queued;
    int attempts = 0;     // every attempt ever started
    int budgetStart = 0;  // attempts made before the current budget (manual retry)
    int maxAttempts = 0;  // of the current budget; 0 = unlimited
    qint64 retryAtUs = 0; // when WaitingForRetry: when the next attempt is due
    qint64 firstStartedUs = 0;
    qint64 finishedUs = 0; // when it last reached a terminal state, else 0
    // Time spent in finished attempts, all of them (the history may be
    // shorter); the running attempt adds now - runningSinceUs.
    qint64 ranUs = 0;
    bool hasLastAttempt = false;
    AttemptRecord lastAttempt;    // the latest finished attempt
    qint64 runningSinceUs = 0;    // start of the running attempt, if Running
    QString clusterJobId;         // the running attempt's job id in a cluster scheduler
    QString clusterState;         // what the scheduler says of it: "PENDING (Resources)"
    QString clusterNode;          // the node running it, once the scheduler says
    QList<AttemptRecord> history; // only when asked for; bounded (oldest dropped)

    bool isValid() const { return id != 0; }
    int attemptsInBudget() const { return attempts - budgetStart; }
};

} // namespace requeue
