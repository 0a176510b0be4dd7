#pragma once

#include "jobsnapshot.h"

#include <QTimer>
#include <QWidget>

class QLabel;
class QTabWidget;
class QTreeWidget;

namespace requeue {

class JobRunner;
class OutputView;

// The details of one job: its attempt history (number, start, duration,
// outcome, exit code or signal, message) and the stdout and stderr of the
// chosen attempt. While the job is active it re-reads its history and follows
// the output files on a timer; it never waits on the runner.
//
// GUI thread only.
class DetailsPane : public QWidget
{
    Q_OBJECT
public:
    // Not owning: `runner` must outlive the pane.
    explicit DetailsPane(JobRunner *runner, QWidget *parent = nullptr);

    // Shows `id` (0: nothing), with its latest attempt chosen.
    void setJob(JobId id);
    JobId job() const { return m_job; }
    // Chooses the attempt whose output is shown (1-based, as in the history).
    void showAttempt(int attempt);
    int shownAttempt() const { return m_attempt; }
    // Re-reads the job now instead of at the next tick.
    void refresh();

    QTreeWidget *historyView() const { return m_history; }
    OutputView *stdoutView() const { return m_stdout; }
    OutputView *stderrView() const { return m_stderr; }

private:
    void fillHistory(const JobSnapshot &snapshot);
    void addRunningRow(const JobSnapshot &snapshot);
    void onHistoryCurrentChanged();
    void pollOutput();
    void updateTimer(const JobSnapshot &snapshot);

    JobRunner *m_runner; // Not owning.
    // Child widgets, owned through Qt's parent chain.
    QLabel *m_title;
    QTreeWidget *m_history;
    QTabWidget *m_tabs;
    OutputView *m_stdout;
    OutputView *m_stderr;
    QTimer m_followTimer;
    JobId m_job = 0;
    int m_attempt = 0;
    bool m_followLatest = true; // jump to each new attempt while it runs
    int m_shownAttempts = -1;   // attempts count the history was built from
    JobState m_shownState = JobState::Queued;
};

} // namespace requeue
