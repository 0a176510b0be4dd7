#pragma once

#include "joblist.h"
#include "jobrunner.h"
#include "runcontrol.h"
#include "runinfo.h"
#include "runsettings.h"

#include <QElapsedTimer>
#include <QMainWindow>
#include <QSet>
#include <QTimer>

#include <memory>
#include <optional>

class QAction;
class QLabel;
class QMenu;
class QTableView;

namespace requeue {

class DetailsPane;
class FilterBar;
class JobFilterProxy;
class JobTableModel;
class MainWindowActions;
class RecentFiles;
class RunAlerts;
class RunSession;
class RunSettingsWidget;
class RunStatusWidget;
class SlurmExecutor;
class TimelinePanel;

// The Requeue window: the job table with its filter bar, the details pane,
// the run settings and timeline docks and the status bar, over one JobRunner. Loading a
// file never starts anything: a run going on is paused and the new jobs wait
// for Start. Every bulk action is one runner call; the table, the details
// pane, the filter counts and the status bar follow the runner's change
// feed, so 100,000 jobs never mean 100,000 signals.
//
// Each run has a run directory (RunSession): the window records a run from
// its first Start, opens a recorded one with its history (openRun()), and
// follows a run that another process runs, its actions then sent to that
// process instead of the runner.
//
// GUI thread only. The actions (MainWindowActions) are QActions with object
// names ("actionOpen", "actionOpenRun", "actionStartPause", "actionRetry",
// "actionCancel", "actionRetryFailed", "actionCancelAll",
// "actionClearFinished", "actionOpenOutputFolder") so tests can find and
// trigger them.
class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    // Uses `runner` if given (not owning; it must outlive the window), else
    // makes its own.
    explicit MainWindow(JobRunner *runner = nullptr, QWidget *parent = nullptr);
    ~MainWindow() override;

    // How a job list joins what the window shows.
    enum class LoadMode {
        Ask,     // while jobs are shown, ask (box "openModeBox"; Replace is the default)
        Replace, // a new run: the jobs shown go, active ones cancelled
        Add,     // added to this run, numbered after its jobs
    };
    // Reads `path` and adds its jobs, filling in the run settings where the
    // file is silent. Loading never starts anything: the runner is paused
    // and the jobs wait for Start. Errors (file:line:col) go to a message
    // box and nothing is added. Returns whether the file was read without
    // errors (with Ask, its jobs may still wait for the answer).
    bool loadFile(const QString &path, LoadMode mode = LoadMode::Ask);
    // The same for several files at once (a drop): one question for all.
    bool loadFiles(const QStringList &paths, LoadMode mode = LoadMode::Ask);
    // Shows the run recorded in `dir` (see rundirectory.h) in place of the
    // jobs shown: a finished or crashed run with its whole history, nothing
    // running until Resume; a run live in another process followed as it
    // goes, the window's actions steering it through its control socket.
    // Problems go to a message box; returns whether the run was opened.
    bool openRun(const QString &dir);
    RunSession *session() const { return m_session; }

    JobRunner *runner() const { return m_runner; }
    JobTableModel *model() const { return m_model; }
    JobFilterProxy *proxy() const { return m_proxy; }
    QTableView *table() const { return m_table; }
    FilterBar *filterBar() const { return m_filterBar; }
    DetailsPane *detailsPane() const { return m_details; }
    RunStatusWidget *runStatus() const { return m_status; }
    RunSettingsWidget *runSettingsWidget() const { return m_settingsWidget; }
    TimelinePanel *timelinePanel() const { return m_timeline; }
    RunSettings runSettings() const { return m_settings; }
    // The runner's executor while jobs run on Slurm, else null.
    SlurmExecutor *slurmExecutor() const { return m_slurm; }
    // The ids of the selected rows, in table order.
    QList<JobId> selectedJobIds() const;
    // Selects the rows of `ids` that are visible (and makes the first current).
    void selectJobs(const QList<JobId> &ids);

protected:
    void closeEvent(QCloseEvent *event) override;
    void changeEvent(QEvent *event) override;
    void dragEnterEvent(QDragEnterEvent *event) override;
    void dropEvent(QDropEvent *event) override;

private:
    struct SelectionSummary
    {
        int finished = 0;
        int active = 0;
    };

    struct LoadedList
    {
        QString path;
        QList<JobListEntry> entries;
    };

    void askHowToOpen(const QList<LoadedList> &lists);
    void addLists(const QList<LoadedList> &lists, LoadMode mode);
    int addList(const LoadedList &list);
    void replaceRun();
    void onJobFinished(JobId id);
    QString runName() const;
    void createTable();
    void createCentralArea();
    void createDocks();
    void createTimelineDock();
    void createActions();
    void createMenus();
    void createToolBar();
    void restoreSettings();
    void saveSettings() const;

    void requestClose();
    void openFileDialog();
    void openRunDialog();
    void fillRecentRunsMenu();
    void onSessionChanged();
    void onSteered(bool ok, const QString &message);
    void onRunWorkersChanged(int workers);
    void onControlled(const ControlRequest &request);
    // Following a run: sends `command` to its process. False otherwise.
    bool steer(ControlRequest::Command command, const QList<JobId> &ids = {}, int workers = 0);
    // From the first Start of a run: records it in a run directory.
    void beginRecording();
    RunInfo runInfo() const;
    void pruneRuns() const;
    void openOutputFolder();
    void toggleStartPause();
    void restartRunClock();
    void retrySelected();
    void cancelSelected();
    void retryAllFailed();
    void cancelAll();
    void cancelAllNow();
    void clearFinished();
    enum class ClearWhich { SucceededOnly, AllFinished };
    void clearJobs(ClearWhich which);
    static QString resultText(const StateCounts &counts);
    void afterBulkAction(const QString &message);
    void showTableMenu(const QPoint &pos);
    void showHeaderMenu(const QPoint &pos);
    void showAbout();
    void copySelectedCommands();
    void applyRunSettings(const RunSettings &settings);
    // Runs attempts on `backend` from now on (Slurm polled every `slurmPoll`);
    // false while attempts run.
    bool useBackend(RunSettings::Backend backend, std::chrono::milliseconds slurmPoll);
    // An opened run resumes where it ran before, polled as often as it was.
    void useRunBackend();

    void onCountsChanged(const StateCounts &counts, int totalAttempts);
    void onPausedChanged(bool paused);
    void updateStatus();
    void updateStartAction();
    void onRunIdle();
    void onModelRefreshed();
    void onCurrentRowChanged();
    void updateActions();
    SelectionSummary summarizeSelection() const;
    void updateTitle();
    // `count`: every error in the file, also those `errors` leaves out.
    void showLoadErrors(const QString &path, const QStringList &errors, int count,
                        bool countIsLowerBound);
    void askToCancelAndQuit();
    void drainOwnedRunner();

    std::unique_ptr<JobRunner> m_ownedRunner; // Owning; null when given a runner.
    JobRunner *m_runner;                      // Not owning.
    JobTableModel *m_model = nullptr;
    JobFilterProxy *m_proxy = nullptr;
    QTableView *m_table = nullptr;
    FilterBar *m_filterBar = nullptr;
    DetailsPane *m_details = nullptr;
    RunSettingsWidget *m_settingsWidget = nullptr;
    RunStatusWidget *m_status = nullptr;
    TimelinePanel *m_timeline = nullptr;
    RecentFiles *m_recent = nullptr;
    RunAlerts *m_alerts = nullptr;   // desktop notifications, taskbar progress
    RunSession *m_session = nullptr; // Owning (as QObject child).
    QLabel *m_runLabel = nullptr;    // which run, in the status bar
    QMenu *m_recentRunsMenu = nullptr;
    QMenu *m_recentMenu = nullptr;
    QMenu *m_viewMenu = nullptr;
    MainWindowActions *m_actions = nullptr; // Owning (as QObject child).
    // Re-feeds the status bar the last counts once a second while jobs run,
    // so rates and the ETA age; a clock, not a poll of the runner.
    QTimer m_clockTick;
    StateCounts m_counts;        // as the runner's feed last reported them
    std::optional<double> m_eta; // seconds left, as updateStatus() last estimated
    QElapsedTimer m_etaClock;    // since then
    int m_totalAttempts = 0;
    bool m_paused = true;
    RunSettings m_settings;
    RunSettings::Backend m_backend = RunSettings::Backend::Local; // the runner's executor
    SlurmExecutor *m_slurm = nullptr; // Not owning: the runner's executor on Slurm.
    QString m_currentFile;
    QStringList m_runFiles;    // the files whose jobs make up this run, in order
    QList<JobSpec> m_runSpecs; // the jobs of those files, as added (for run.json)
    int m_lastSeq = 0;         // the highest # in this run: added lists go on from it
    QSet<JobId> m_leaving;     // jobs of a replaced run, removed once they end
    QString m_resultText;      // shown in the title once a run ends
    bool m_selectionDirty = true;
    bool m_quitConfirmed = false;
    QString m_shownOutputFolder;
    QElapsedTimer m_runClock;  // since Start (or a retry after the end), until idle
    bool m_runStarted = false; // Start was pressed in this run: paused means "Resume"
};

} // namespace requeue
