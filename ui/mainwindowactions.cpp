#include "mainwindowactions.h"

#include "stateicons.h"

#include <QAction>
#include <QKeySequence>
#include <QStyle>
#include <QWidget>

namespace requeue {

MainWindowActions::MainWindowActions(QWidget *window)
    : QObject(window)
    , m_window(window)
{
    QStyle *s = window->style();
    m_open = makeAction(QStringLiteral("actionOpen"), tr("&Open..."), QKeySequence::Open);
    m_open->setIcon(s->standardIcon(QStyle::SP_DialogOpenButton));
    m_openRun = makeAction(QStringLiteral("actionOpenRun"), tr("Open R&un..."),
                           QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_O));
    m_openRun->setToolTip(tr("Open a recorded run: a finished one to look at or resume, or one "
                             "running in a terminal to watch and steer"));
    m_startPause
        = makeAction(QStringLiteral("actionStartPause"), tr("&Start"), QKeySequence(Qt::Key_F5));
    // The icon changes with the text; a window that starts paused never
    // changes it from Start, so it needs its icon from the start.
    m_startPause->setIcon(s->standardIcon(QStyle::SP_MediaPlay));
    m_retrySelected = makeAction(QStringLiteral("actionRetry"), tr("&Retry Selected"),
                                 QKeySequence(Qt::CTRL | Qt::Key_R));
    m_retrySelected->setIcon(s->standardIcon(QStyle::SP_BrowserReload));
    m_cancelSelected = makeAction(QStringLiteral("actionCancel"), tr("&Cancel Selected"),
                                  QKeySequence(Qt::CTRL | Qt::Key_K));
    m_cancelSelected->setIcon(stateIcon(JobState::Cancelled));
    m_retryAllFailed = makeAction(QStringLiteral("actionRetryFailed"), tr("Retry All &Failed"),
                                  QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_R));
    m_retryAllFailed->setIcon(stateIcon(JobState::Failed));
    m_cancelAll = makeAction(QStringLiteral("actionCancelAll"), tr("Cancel &All"),
                             QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_K));
    m_cancelAll->setIcon(s->standardIcon(QStyle::SP_BrowserStop));
    m_clearFinished = makeAction(QStringLiteral("actionClearFinished"), tr("C&lear Finished"),
                                 QKeySequence(Qt::CTRL | Qt::Key_L));
    m_clearFinished->setIcon(s->standardIcon(QStyle::SP_DialogResetButton));
    m_copyCommand
        = makeAction(QStringLiteral("actionCopyCommand"), tr("Copy C&ommand"), QKeySequence::Copy);
    m_quit = makeAction(QStringLiteral("actionQuit"), tr("&Quit"), QKeySequence::Quit);
    m_openOutputFolder = makeAction(QStringLiteral("actionOpenOutputFolder"),
                                    tr("Open Output &Folder"), QKeySequence());
    m_openOutputFolder->setIcon(s->standardIcon(QStyle::SP_DirOpenIcon));
    m_openOutputFolder->setEnabled(false);
}

QAction *MainWindowActions::makeAction(const QString &name, const QString &text,
                                       const QKeySequence &shortcut)
{
    auto *action = new QAction(text, m_window);
    action->setObjectName(name);
    action->setShortcut(shortcut);
    action->setToolTip(QStringLiteral("%1 (%2)").arg(QString(text).remove(QLatin1Char('&')),
                                                     shortcut.toString(QKeySequence::NativeText)));
    return action;
}

void MainWindowActions::setSelection(int finished, int active)
{
    m_retrySelected->setEnabled(finished > 0);
    m_cancelSelected->setEnabled(active > 0);
    m_copyCommand->setEnabled(finished + active > 0);
}

void MainWindowActions::setCounts(const StateCounts &counts)
{
    m_counts = counts;
    m_retryAllFailed->setEnabled(counts[JobState::Failed] > 0);
    m_cancelAll->setEnabled(counts.active() > 0);
    m_clearFinished->setEnabled(counts.finished() > 0);
    updateStartPause();
}

void MainWindowActions::setResumable(bool resumable)
{
    m_resumable = resumable;
    updateStartPause();
}

void MainWindowActions::setRunState(bool paused, bool started)
{
    m_paused = paused;
    m_started = started;
    updateStartPause();
}

void MainWindowActions::setOutputFolderExists(bool exists)
{
    m_openOutputFolder->setEnabled(exists);
}

void MainWindowActions::updateStartPause()
{
    const QString text = m_paused ? (m_started ? tr("&Resume") : tr("&Start")) : tr("&Pause");
    if (text != m_startPause->text()) {
        m_startPause->setText(text);
        m_startPause->setIcon(m_window->style()->standardIcon(m_paused ? QStyle::SP_MediaPlay
                                                                       : QStyle::SP_MediaPause));
    }
    m_startPause->setEnabled(!m_paused || m_counts.active() > 0 || m_resumable);
}

} // namespace requeue
