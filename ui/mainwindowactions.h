#pragma once

#include "statecounts.h"

#include <QObject>

class QAction;
class QKeySequence;
class QWidget;

namespace requeue {

// The window's commands as QActions: object names (for tests), texts,
// shortcuts, icons and tooltips, and when each is enabled, from what the
// window tells it about the run and the selection. What the actions do, and
// where they show (menus, toolbar, context menu), stays with the window.
//
// GUI thread only. The actions are children of the window given to the
// constructor, so window->findChild<QAction *>("actionOpen") finds them.
class MainWindowActions : public QObject
{
    Q_OBJECT
public:
    explicit MainWindowActions(QWidget *window);

    QAction *open() const { return m_open; }
    QAction *openRun() const { return m_openRun; }
    QAction *startPause() const { return m_startPause; } // Start, Pause or Resume
    QAction *retrySelected() const { return m_retrySelected; }
    QAction *cancelSelected() const { return m_cancelSelected; }
    QAction *retryAllFailed() const { return m_retryAllFailed; }
    QAction *cancelAll() const { return m_cancelAll; }
    QAction *clearFinished() const { return m_clearFinished; }
    QAction *copyCommand() const { return m_copyCommand; }
    QAction *quit() const { return m_quit; }
    QAction *openOutputFolder() const { return m_openOutputFolder; }

    // The selected jobs: finished ones can be retried, active ones cancelled.
    void setSelection(int finished, int active);
    // The run's jobs per state: the bulk actions and Start follow them.
    void setCounts(const StateCounts &counts);
    // Paused or not, and whether Start was pressed in this run (so that
    // paused reads "Resume").
    void setRunState(bool paused, bool started);
    void setOutputFolderExists(bool exists);
    // A recorded run opened again has jobs that did not succeed: Resume runs
    // them again, though none is active.
    void setResumable(bool resumable);

private:
    QAction *makeAction(const QString &name, const QString &text, const QKeySequence &shortcut);
    void updateStartPause();

    QWidget *m_window; // Not owning: the window owns this object and the actions.
    QAction *m_open;
    QAction *m_openRun;
    QAction *m_startPause;
    QAction *m_retrySelected;
    QAction *m_cancelSelected;
    QAction *m_retryAllFailed;
    QAction *m_cancelAll;
    QAction *m_clearFinished;
    QAction *m_copyCommand;
    QAction *m_quit;
    QAction *m_openOutputFolder;
    StateCounts m_counts;
    bool m_paused = true;
    bool m_started = false;
    bool m_resumable = false;
};

} // namespace requeue
