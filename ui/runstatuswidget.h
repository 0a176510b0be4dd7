#pragma once

#include "jobrunner.h"

#include <QElapsedTimer>
#include <QWidget>

#include <deque>
#include <optional>

class QProgressBar;

namespace requeue {

class ElidedLabel;

// The status bar's right side: counts per state, a progress bar (finished of
// total), attempts per second and the time left (estimated by the caller),
// or, once a run has ended, what it came to. Its texts elide: it never makes
// the window wider than 800 px, however big the numbers.
//
// GUI thread only.
class RunStatusWidget : public QWidget
{
    Q_OBJECT
public:
    explicit RunStatusWidget(QWidget *parent = nullptr);

    // Feeds one sample; call whenever the counts change and about once a
    // second while jobs run. `etaSeconds`: nothing while unknown.
    void update(const StateCounts &counts, int totalAttempts,
                std::optional<double> etaSeconds = std::nullopt);
    // Until jobs are active again, says "Finished in 14 s: 11 succeeded, ...".
    void showFinished(qint64 elapsedMs, const StateCounts &counts, int totalAttempts);
    // Where the run writes its output, shown in the tooltip.
    void setOutputFolder(const QString &path);

    QString countsText() const;
    QString progressText() const;
    QString etaText() const;
    double attemptsPerSecond() const { return m_attemptRate; }

private:
    struct Sample
    {
        qint64 ms;
        int attempts;
    };
    void addSample(int attempts);
    static void keepWhole(ElidedLabel *label, const QString &longest);
    void updateProgress(int finished, int total);
    void updateToolTip();

    // Child widgets, owned through Qt's parent chain.
    ElidedLabel *m_counts;
    QProgressBar *m_progress;
    ElidedLabel *m_rate;
    ElidedLabel *m_etaLabel;
    QElapsedTimer m_clock;
    std::deque<Sample> m_samples;
    QString m_finishedText;
    QString m_outputFolder;
    double m_attemptRate = 0;
};

} // namespace requeue
