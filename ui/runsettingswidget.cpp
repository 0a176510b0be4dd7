#include "runsettingswidget.h"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QLabel>
#include <QSpinBox>

namespace requeue {

RunSettingsWidget::RunSettingsWidget(QWidget *parent)
    : QWidget(parent)
    , m_backend(new QComboBox(this))
    , m_slurmPollS(new QDoubleSpinBox(this))
    , m_workers(new QSpinBox(this))
    , m_maxAttempts(new QSpinBox(this))
    , m_backoff(new QComboBox(this))
    , m_delayMs(new QSpinBox(this))
    , m_timeoutS(new QSpinBox(this))
    , m_keepRuns(new QSpinBox(this))
    , m_keepRunsMiB(new QSpinBox(this))
{
    m_backend->setObjectName(QStringLiteral("backendCombo"));
    m_backend->addItems({tr("This computer"), tr("Slurm cluster")});
    m_backend->setToolTip(tr("Slurm: each attempt is one sbatch job; workers count the jobs "
                             "submitted at once. Applies when no attempt is running."));
    m_slurmPollS->setObjectName(QStringLiteral("slurmPollSpin"));
    m_slurmPollS->setDecimals(1);
    m_slurmPollS->setRange(RunSettings::MinSlurmPollMs / 1000.0,
                           RunSettings::MaxSlurmPollMs / 1000.0);
    m_slurmPollS->setSuffix(tr(" s"));
    m_slurmPollS->setToolTip(tr("How often one squeue call asks Slurm about all of the run's "
                                "jobs. A job whose exit file appears is asked about at once."));
    m_workers->setObjectName(QStringLiteral("workersSpin"));
    m_workers->setRange(1, 1024);
    m_maxAttempts->setObjectName(QStringLiteral("maxAttemptsSpin"));
    m_maxAttempts->setRange(0, 1000000);
    m_maxAttempts->setSpecialValueText(tr("unlimited"));
    m_backoff->setObjectName(QStringLiteral("backoffCombo"));
    m_backoff->addItems({tr("None"), tr("Fixed"), tr("Exponential")});
    m_delayMs->setObjectName(QStringLiteral("delaySpin"));
    m_delayMs->setRange(0, 3600 * 1000);
    m_delayMs->setSingleStep(100);
    m_delayMs->setSuffix(tr(" ms"));
    m_timeoutS->setObjectName(QStringLiteral("timeoutSpin"));
    m_timeoutS->setRange(0, 7 * 24 * 3600);
    m_timeoutS->setSuffix(tr(" s"));
    m_timeoutS->setSpecialValueText(tr("none"));
    m_keepRuns->setObjectName(QStringLiteral("keepRunsSpin"));
    m_keepRuns->setRange(0, 100000);
    m_keepRuns->setSpecialValueText(tr("all"));
    m_keepRuns->setToolTip(tr("Each run is recorded in a directory of its own; older ones are "
                              "removed when a new run starts. A live run is never removed."));
    m_keepRunsMiB->setObjectName(QStringLiteral("keepRunsMiBSpin"));
    m_keepRunsMiB->setRange(0, 1024 * 1024);
    m_keepRunsMiB->setSingleStep(100);
    m_keepRunsMiB->setSuffix(tr(" MiB"));
    m_keepRunsMiB->setSpecialValueText(tr("no limit"));
    m_keepRunsMiB->setToolTip(tr("The kept runs take at most this much disk space together; "
                                 "the oldest go first."));

    auto *form = new QFormLayout(this);
    form->addRow(tr("Run &on:"), m_backend);
    form->addRow(tr("&Poll Slurm every:"), m_slurmPollS);
    form->addRow(tr("&Workers:"), m_workers);
    form->addRow(tr("Max &attempts:"), m_maxAttempts);
    form->addRow(tr("&Backoff:"), m_backoff);
    form->addRow(tr("&Delay:"), m_delayMs);
    form->addRow(tr("&Timeout:"), m_timeoutS);
    form->addRow(tr("&Keep runs:"), m_keepRuns);
    form->addRow(tr("Up to:"), m_keepRunsMiB);
    auto *note = new QLabel(tr("Workers apply at once. The rest apply to jobs loaded "
                               "afterwards, where their file does not say."),
                            this);
    note->setWordWrap(true);
    form->addRow(note);

    for (QSpinBox *spin :
         {m_workers, m_maxAttempts, m_delayMs, m_timeoutS, m_keepRuns, m_keepRunsMiB})
        connect(spin, &QSpinBox::valueChanged, this, &RunSettingsWidget::emitChanged);
    connect(m_slurmPollS, &QDoubleSpinBox::valueChanged, this, &RunSettingsWidget::emitChanged);
    connect(m_backoff, &QComboBox::currentIndexChanged, this, &RunSettingsWidget::emitChanged);
    connect(m_backend, &QComboBox::currentIndexChanged, this, &RunSettingsWidget::emitChanged);
    setSettings(RunSettings());
}

RunSettings RunSettingsWidget::settings() const
{
    RunSettings s;
    s.backend = RunSettings::Backend(m_backend->currentIndex());
    s.slurmPoll = std::chrono::milliseconds(qRound64(m_slurmPollS->value() * 1000));
    s.workers = m_workers->value();
    s.maxAttempts = m_maxAttempts->value();
    s.backoff = RetryPolicy::Backoff(m_backoff->currentIndex());
    s.delay = std::chrono::milliseconds(m_delayMs->value());
    s.timeout = std::chrono::seconds(m_timeoutS->value());
    s.keepRuns = m_keepRuns->value();
    s.keepRunsMiB = m_keepRunsMiB->value();
    return s;
}

void RunSettingsWidget::setSettings(const RunSettings &settings)
{
    m_updating = true;
    m_backend->setCurrentIndex(int(settings.backend));
    m_slurmPollS->setValue(settings.slurmPoll.count() / 1000.0);
    m_workers->setValue(settings.workers);
    m_maxAttempts->setValue(settings.maxAttempts);
    m_backoff->setCurrentIndex(int(settings.backoff));
    m_delayMs->setValue(int(settings.delay.count()));
    m_timeoutS->setValue(int(settings.timeout.count() / 1000));
    m_keepRuns->setValue(settings.keepRuns);
    m_keepRunsMiB->setValue(settings.keepRunsMiB);
    updateEnabled();
    m_updating = false;
}

void RunSettingsWidget::emitChanged()
{
    if (m_updating)
        return;
    updateEnabled();
    Q_EMIT settingsChanged(settings());
}

void RunSettingsWidget::updateEnabled()
{
    m_slurmPollS->setEnabled(m_backend->currentIndex() == int(RunSettings::Backend::Slurm));
    m_delayMs->setEnabled(m_backoff->currentIndex() != int(RetryPolicy::Backoff::None));
}

} // namespace requeue
