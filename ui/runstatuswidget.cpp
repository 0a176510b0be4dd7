#include "runstatuswidget.h"

#include "stateicons.h"
#include "textformat.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>

namespace requeue {

namespace {
constexpr qint64 RateWindowMs = 5000;
constexpr qint64 MinEtaWindowMs = 2000;
} // namespace

RunStatusWidget::RunStatusWidget(QWidget *parent)
    : QWidget(parent)
    , m_counts(new QLabel(this))
    , m_progress(new QProgressBar(this))
    , m_rate(new QLabel(this))
    , m_etaLabel(new QLabel(this))
{
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    m_counts->setObjectName(QStringLiteral("statusCounts"));
    m_progress->setObjectName(QStringLiteral("statusProgress"));
    m_rate->setObjectName(QStringLiteral("statusRate"));
    m_etaLabel->setObjectName(QStringLiteral("statusEta"));
    m_progress->setMaximumWidth(200);
    m_progress->setFormat(QStringLiteral("%v / %m"));
    m_progress->setRange(0, 1);
    m_progress->setValue(0);
    layout->addWidget(m_counts);
    layout->addWidget(m_progress);
    layout->addWidget(m_rate);
    layout->addWidget(m_etaLabel);
    m_clock.start();
}

void RunStatusWidget::update(const StateCounts &counts, int totalAttempts)
{
    int total = 0;
    for (int n : counts)
        total += n;
    const int finished = counts[int(JobState::Succeeded)] + counts[int(JobState::Failed)]
        + counts[int(JobState::Cancelled)];
    addSample(totalAttempts, finished);
    const int active = total - finished;
    m_eta = active > 0 && m_finishRate > 0 ? qint64(active / m_finishRate) : -1;
    m_progress->setRange(0, qMax(1, total));
    m_progress->setValue(finished);
    updateLabels(counts, active);
}

QString RunStatusWidget::countsText() const
{
    return m_counts->text();
}

void RunStatusWidget::addSample(int attempts, int finished)
{
    const qint64 now = m_clock.elapsed();
    // A retried job leaves the finished set: restart the window rather than
    // report a negative rate.
    if (!m_samples.empty() && finished < m_samples.back().finished)
        m_samples.clear();
    m_samples.push_back({now, attempts, finished});
    while (m_samples.size() > 2 && now - m_samples.front().ms > RateWindowMs)
        m_samples.pop_front();
    const Sample &first = m_samples.front();
    const double seconds = double(now - first.ms) / 1000.0;
    m_attemptRate = seconds > 0.2 ? (attempts - first.attempts) / seconds : 0.0;
    // Too short a window guesses wildly: a burst of quick jobs says nothing
    // about the slow ones still running.
    m_finishRate = seconds >= MinEtaWindowMs / 1000.0 ? (finished - first.finished) / seconds : 0.0;
}

void RunStatusWidget::updateLabels(const StateCounts &counts, int active)
{
    QStringList parts;
    for (int state = 0; state < JobStateCount; ++state) {
        if (counts[size_t(state)] > 0) {
            parts << QStringLiteral("%1 %2")
                         .arg(counts[size_t(state)])
                         .arg(stateLabel(JobState(state)).toLower());
        }
    }
    m_counts->setText(parts.isEmpty() ? tr("No jobs") : parts.join(QStringLiteral(", ")));
    m_rate->setText(tr("%1 attempts/s").arg(m_attemptRate, 0, 'f', 1));
    m_etaLabel->setText(active > 0 && m_eta >= 0 ? tr("ETA %1").arg(formatEta(m_eta)) : QString());
}

} // namespace requeue
