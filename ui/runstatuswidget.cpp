#include "runstatuswidget.h"

#include "elidedlabel.h"
#include "stateicons.h"
#include "textformat.h"

#include <QHBoxLayout>
#include <QLocale>
#include <QProgressBar>

namespace requeue {

namespace {
constexpr qint64 RateWindowMs = 5000;

} // namespace

RunStatusWidget::RunStatusWidget(QWidget *parent)
    : QWidget(parent)
    , m_counts(new ElidedLabel(this))
    , m_progress(new QProgressBar(this))
    , m_rate(new ElidedLabel(this))
    , m_etaLabel(new ElidedLabel(this))
{
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    m_counts->setObjectName(QStringLiteral("statusCounts"));
    m_progress->setObjectName(QStringLiteral("statusProgress"));
    m_rate->setObjectName(QStringLiteral("statusRate"));
    m_etaLabel->setObjectName(QStringLiteral("statusEta"));
    m_progress->setMaximumWidth(200);
    m_progress->setRange(0, 1);
    m_progress->setValue(0);
    m_progress->setFormat(QString());
    layout->addWidget(m_counts, 1);
    layout->addWidget(m_progress);
    layout->addWidget(m_rate);
    layout->addWidget(m_etaLabel);
    m_clock.start();
}

void RunStatusWidget::update(const StateCounts &counts, int totalAttempts,
                             std::optional<double> etaSeconds)
{
    const int total = counts.total();
    const int finished = counts.finished();
    const int active = counts.active();
    if (active > 0)
        m_finishedText.clear();
    addSample(totalAttempts);
    updateProgress(finished, total);
    if (!m_finishedText.isEmpty()) {
        m_counts->setFullText(m_finishedText);
    } else {
        QStringList parts;
        for (int state = 0; state < JobStateCount; ++state) {
            if (counts[size_t(state)] > 0) {
                parts << QStringLiteral("%1 %2")
                             .arg(counts[size_t(state)])
                             .arg(stateLabel(JobState(state)).toLower());
            }
        }
        m_counts->setFullText(parts.isEmpty() ? tr("No jobs") : parts.join(u", "));
    }
    m_rate->setFullText(active > 0 ? tr("%1 attempts/s").arg(m_attemptRate, 0, 'f', 1) : QString());
    const bool showEta = active > 0 && etaSeconds && *etaSeconds > 0;
    m_etaLabel->setFullText(showEta ? tr("ETA %1").arg(formatEta(qint64(*etaSeconds + 0.5)))
                                    : QString());
    keepWhole(m_rate, tr("9999.9 attempts/s"));
    keepWhole(m_etaLabel, tr("ETA about 99 h 59 min"));
}

void RunStatusWidget::keepWhole(ElidedLabel *label, const QString &longest)
{
    // The rate and the ETA are short and say more than the end of the
    // counts: they keep their whole text, up to the longest they normally
    // get, and the counts elide first.
    const QFontMetrics metrics = label->fontMetrics();
    label->setMinimumWidth(
        qMin(metrics.horizontalAdvance(label->fullText()), metrics.horizontalAdvance(longest)));
}

void RunStatusWidget::showFinished(qint64 elapsedMs, const StateCounts &counts, int totalAttempts)
{
    QStringList parts {tr("%n succeeded", nullptr, counts[int(JobState::Succeeded)])};
    if (counts[int(JobState::Failed)] > 0)
        parts << tr("%n failed", nullptr, counts[int(JobState::Failed)]);
    if (counts[int(JobState::Cancelled)] > 0)
        parts << tr("%n cancelled", nullptr, counts[int(JobState::Cancelled)]);
    m_finishedText = tr("Finished in %1: %2; %3 attempts")
                         .arg(formatDuration(elapsedMs * 1000), parts.join(u", "),
                              QLocale().toString(totalAttempts));
    update(counts, totalAttempts);
}

void RunStatusWidget::setOutputFolder(const QString &path)
{
    m_outputFolder = path;
    updateToolTip();
}

QString RunStatusWidget::countsText() const
{
    return m_counts->fullText();
}

QString RunStatusWidget::progressText() const
{
    return m_progress->text();
}

QString RunStatusWidget::etaText() const
{
    return m_etaLabel->fullText();
}

void RunStatusWidget::addSample(int attempts)
{
    const qint64 now = m_clock.elapsed();
    m_samples.push_back({now, attempts});
    while (m_samples.size() > 2 && now - m_samples.front().ms > RateWindowMs)
        m_samples.pop_front();
    const Sample &first = m_samples.front();
    const double seconds = double(now - first.ms) / 1000.0;
    m_attemptRate = seconds > 0.2 ? (attempts - first.attempts) / seconds : 0.0;
}

void RunStatusWidget::updateProgress(int finished, int total)
{
    // With no jobs there is no progress to speak of, not "0 / 1".
    const QString text = total > 0 ? QStringLiteral("%1 / %2").arg(finished).arg(total) : QString();
    m_progress->setRange(0, qMax(1, total));
    m_progress->setValue(finished);
    if (m_progress->format() == text)
        return;
    m_progress->setFormat(text);
    // Wide enough for its text, so "16789 / 20000" is never cut.
    const int width = m_progress->fontMetrics().horizontalAdvance(text) + 24;
    if (width > m_progress->minimumWidth())
        m_progress->setMinimumWidth(qMin(width, m_progress->maximumWidth()));
    updateToolTip();
}

void RunStatusWidget::updateToolTip()
{
    QString tip = m_progress->format().isEmpty() ? QString()
                                                 : tr("%1 jobs finished").arg(m_progress->format());
    if (!m_outputFolder.isEmpty()) {
        if (!tip.isEmpty())
            tip += QLatin1Char('\n');
        tip += tr("Output folder: %1").arg(m_outputFolder);
    }
    setToolTip(tip);
}

} // namespace requeue
