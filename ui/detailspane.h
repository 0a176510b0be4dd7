#pragma once

#include "jobsnapshot.h"

#include <QTimer>
#include <QWidget>

class QLabel;
class QTabWidget;
class QToolButton;
class QTreeWidget;

namespace requeue {

class JobRunner;
class OutputView;

// The details of one job: its attempt history (number, start, duration,
// outcome, exit code or signal, message) and the stdout and stderr of the
// chosen attempt. It re-reads the job when the runner's change feed names it
// and, while the job is active, follows the output files as `tail -f` does;
// it never waits on the runner.
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
    // Re-reads the job now instead of at the next change the feed reports.
    void refresh();

    // The output file of the tab shown, if it has content ("Open File").
    QString shownFile() const;
    QTreeWidget *historyView() const { return m_history; }
    OutputView *stdoutView() const { return m_stdout; }
    OutputView *stderrView() const { return m_stderr; }

private:
    void fillHistory(const JobSnapshot &snapshot);
    void addRunningRow(const JobSnapshot &snapshot);
    void onHistoryCurrentChanged();
    void onJobsChanged(const QList<JobId> &ids);
    void pollOutput();
    void updateTabTexts();
    void openShownFile();
    void updateTail(const JobSnapshot &snapshot);

    JobRunner *m_runner; // Not owning.
    // Child widgets, owned through Qt's parent chain.
    QLabel *m_title;
    QTreeWidget *m_history;
    QTabWidget *m_tabs;
    OutputView *m_stdout;
    OutputView *m_stderr;
    QToolButton *m_openFile;
    // Reads the output files' new bytes while the job is active: files
    // grow without telling anyone. Never reads the runner.
    QTimer m_tailTimer;
    JobId m_job = 0;
    int m_attempt = 0;
    bool m_followLatest = true; // jump to each new attempt while it runs
    int m_shownAttempts = -1;   // attempts count the history was built from
    JobState m_shownState = JobState::Queued;
    qint64 m_shownRunningSinceUs = 0; // the running row's start, once it began
};

} // namespace requeue
