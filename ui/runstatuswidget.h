#pragma once

#include "jobrunner.h"

#include <QElapsedTimer>
#include <QWidget>

#include <deque>

class QLabel;
class QProgressBar;

namespace requeue {

// The status bar's right side: counts per state, a progress bar (finished of
// total), attempts per second and an estimate of the time left, computed
// from samples of the last few seconds.
//
// GUI thread only.
class RunStatusWidget : public QWidget
{
    Q_OBJECT
public:
    explicit RunStatusWidget(QWidget *parent = nullptr);

    // Feeds one sample; call a few times a second while jobs run.
    void update(const StateCounts &counts, int totalAttempts);

    QString countsText() const;
    double attemptsPerSecond() const { return m_attemptRate; }
    // Seconds left, or -1 when unknown.
    qint64 etaSeconds() const { return m_eta; }

private:
    struct Sample
    {
        qint64 ms;
        int attempts;
        int finished;
    };
    void addSample(int attempts, int finished);
    void updateLabels(const StateCounts &counts, int active);

    // Child widgets, owned through Qt's parent chain.
    QLabel *m_counts;
    QProgressBar *m_progress;
    QLabel *m_rate;
    QLabel *m_etaLabel;
    QElapsedTimer m_clock;
    std::deque<Sample> m_samples;
    double m_attemptRate = 0;
    double m_finishRate = 0;
    qint64 m_eta = -1;
};

} // namespace requeue
