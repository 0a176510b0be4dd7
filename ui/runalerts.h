#pragma once

#include "jobrunner.h"

#include <QObject>
#include <QPointer>
#include <QTimer>

class QWidget;

namespace requeue {

class DesktopNotifier;

// Decides what the desktop hears about a run (DesktopNotifier says it):
// while the window is not the active one, a notification when jobs give up
// (at most one every `giveUpQuietPeriod`, counting those in between) and when
// the run ends; always the run's progress and the number of failed jobs on
// the taskbar entry. Notifications can be turned off; the choice is
// remembered (QSettings "desktop/notifications").
//
// GUI thread only.
class RunAlerts : public QObject
{
    Q_OBJECT
public:
    // Not owning `window`; owns `notifier` (made a child).
    RunAlerts(QWidget *window, DesktopNotifier *notifier, QObject *parent = nullptr);

    bool notificationsEnabled() const { return m_enabled; }
    void setNotificationsEnabled(bool enabled);
    void setGiveUpQuietPeriod(std::chrono::milliseconds period);

    // Follows the runner's counts (call on each change).
    void updateCounts(const StateCounts &counts);
    // The runner went idle: every job has ended.
    void runFinished(const StateCounts &counts);

    DesktopNotifier *notifier() const { return m_notifier; }

private:
    bool shouldNotify() const;
    void flushGaveUp();

    QPointer<QWidget> m_window;  // Not owning.
    DesktopNotifier *m_notifier; // Owning (child).
    QTimer m_quiet;              // runs after a give-up notification
    bool m_enabled = true;
    int m_failedSeen = 0;
    int m_pendingGaveUp = 0;
    int m_total = 0;
    int m_finished = 0;
};

} // namespace requeue
