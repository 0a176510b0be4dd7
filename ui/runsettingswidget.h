#pragma once

#include "runsettings.h"

#include <QWidget>

class QComboBox;
class QDoubleSpinBox;
class QSpinBox;

namespace requeue {

// The run settings form: where jobs run (this computer or Slurm) and how often
// Slurm is polled, workers, max attempts (0 =
// unlimited), backoff (none, fixed, exponential) with its delay, and the per-attempt timeout. Emits
// settingsChanged() on every edit.
//
// GUI thread only.
class RunSettingsWidget : public QWidget
{
    Q_OBJECT
public:
    explicit RunSettingsWidget(QWidget *parent = nullptr);

    RunSettings settings() const;
    // Shows `settings` without emitting settingsChanged().
    void setSettings(const RunSettings &settings);

Q_SIGNALS:
    void settingsChanged(const requeue::RunSettings &settings);

private:
    void emitChanged();
    // Only what applies can be edited: the poll on Slurm, the delay with a backoff.
    void updateEnabled();

    // Child widgets, owned through Qt's parent chain.
    QComboBox *m_backend;
    QDoubleSpinBox *m_slurmPollS;
    QSpinBox *m_workers;
    QSpinBox *m_maxAttempts;
    QComboBox *m_backoff;
    QSpinBox *m_delayMs;
    QSpinBox *m_timeoutS;
    QSpinBox *m_keepRuns;
    QSpinBox *m_keepRunsMiB;
    bool m_updating = false;
};

} // namespace requeue
