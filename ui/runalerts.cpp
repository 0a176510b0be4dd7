#include "runalerts.h"

#include "desktopnotifier.h"

#include <QSettings>
#include <QWidget>

namespace requeue {

namespace {

const QString EnabledKey = QStringLiteral("desktop/notifications");

struct Summary
{
    int succeeded = 0;
    int failed = 0;
    int cancelled = 0;
    int active = 0;

    explicit Summary(const StateCounts &counts)
        : succeeded(counts[JobState::Succeeded])
        , failed(counts[JobState::Failed])
        , cancelled(counts[JobState::Cancelled])
        , active(counts.active())
    { }
    int finished() const { return succeeded + failed + cancelled; }
    int total() const { return finished() + active; }
};

} // namespace

RunAlerts::RunAlerts(QWidget *window, DesktopNotifier *notifier, QObject *parent)
    : QObject(parent)
    , m_window(window)
    , m_notifier(notifier)
    , m_enabled(QSettings().value(EnabledKey, true).toBool())
{
    m_notifier->setParent(this);
    m_quiet.setSingleShot(true);
    m_quiet.setInterval(std::chrono::seconds(30));
    connect(&m_quiet, &QTimer::timeout, this, &RunAlerts::flushGaveUp);
    connect(m_notifier, &DesktopNotifier::activated, this, [this] {
        if (!m_window)
            return;
        m_window->showNormal();
        m_window->raise();
        m_window->activateWindow();
    });
}

void RunAlerts::setNotificationsEnabled(bool enabled)
{
    m_enabled = enabled;
    QSettings().setValue(EnabledKey, enabled);
}

void RunAlerts::setGiveUpQuietPeriod(std::chrono::milliseconds period)
{
    m_quiet.setInterval(period);
}

void RunAlerts::updateCounts(const StateCounts &counts)
{
    const Summary summary(counts);
    m_total = summary.total();
    m_finished = summary.finished();
    m_notifier->setTaskbarProgress(m_total > 0 ? double(m_finished) / m_total : 0.0,
                                   summary.active > 0, summary.failed);
    // Failed only ever grows by jobs giving up; it shrinks on retry or clear.
    if (summary.failed > m_failedSeen)
        m_pendingGaveUp += summary.failed - m_failedSeen;
    m_failedSeen = summary.failed;
    if (summary.active > 0)
        flushGaveUp();
}

void RunAlerts::runFinished(const StateCounts &counts)
{
    updateCounts(counts);
    m_pendingGaveUp = 0; // the summary says it
    if (!shouldNotify())
        return;
    const Summary summary(counts);
    const QString body = tr("%1 succeeded, %2 failed, %3 cancelled")
                             .arg(summary.succeeded)
                             .arg(summary.failed)
                             .arg(summary.cancelled);
    m_notifier->notify(
        summary.failed > 0 ? tr("Run finished with failures") : tr("Run finished"), body,
        summary.failed > 0 ? DesktopNotifier::Urgency::Critical : DesktopNotifier::Urgency::Normal);
}

bool RunAlerts::shouldNotify() const
{
    return m_enabled && m_window && !m_window->isActiveWindow();
}

void RunAlerts::flushGaveUp()
{
    if (m_pendingGaveUp == 0 || m_quiet.isActive())
        return;
    if (shouldNotify()) {
        m_notifier->notify(tr("%n job(s) gave up", nullptr, m_pendingGaveUp),
                           tr("%1 of %2 jobs finished").arg(m_finished).arg(m_total));
        m_quiet.start();
    }
    m_pendingGaveUp = 0;
}

} // namespace requeue
