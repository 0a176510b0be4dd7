#include "detailspane.h"

#include "jobrunner.h"
#include "outputview.h"
#include "stateicons.h"
#include "textformat.h"

#include <QDesktopServices>
#include <QHeaderView>
#include <QLabel>
#include <QSignalBlocker>
#include <QSplitter>
#include <QTabWidget>
#include <QToolButton>
#include <QTreeWidget>
#include <QVBoxLayout>

#include <algorithm>
#include <iterator>

namespace requeue {

namespace {

enum HistoryColumn { NumberCol, StartedCol, DurationCol, OutcomeCol, CodeCol, MessageCol };

QString codeText(const AttemptRecord &record)
{
    switch (record.outcome) {
    case AttemptOutcome::Succeeded:
    case AttemptOutcome::ExitCode:
        return QString::number(record.exitCode);
    case AttemptOutcome::Signalled:
        return signalName(record.signal);
    case AttemptOutcome::TimedOut:
    case AttemptOutcome::Cancelled:
        return record.signal ? signalName(record.signal) : QString();
    case AttemptOutcome::NotStarted:
    case AttemptOutcome::Exception:
    case AttemptOutcome::Lost:
        return {};
    }
    Q_UNREACHABLE();
    return {};
}

// The state a job is in when `record` is its last attempt, for its icon: a
// cancelled attempt looks as the cancelled job does in the table.
JobState stateAfter(const AttemptRecord &record)
{
    switch (record.outcome) {
    case AttemptOutcome::Succeeded:
        return JobState::Succeeded;
    case AttemptOutcome::Cancelled:
        return JobState::Cancelled;
    case AttemptOutcome::ExitCode:
    case AttemptOutcome::Signalled:
    case AttemptOutcome::TimedOut:
    case AttemptOutcome::NotStarted:
    case AttemptOutcome::Exception:
    case AttemptOutcome::Lost:
        return JobState::Failed;
    }
    Q_UNREACHABLE();
    return JobState::Failed;
}

QString tabText(const QString &stream, qint64 size)
{
    return size > 0 ? QStringLiteral("%1 (%2)").arg(stream, formatBytes(size)) : stream;
}

} // namespace

DetailsPane::DetailsPane(JobRunner *runner, QWidget *parent)
    : QWidget(parent)
    , m_runner(runner)
    , m_title(new QLabel(this))
    , m_history(new QTreeWidget(this))
    , m_tabs(new QTabWidget(this))
    , m_stdout(new OutputView(this))
    , m_stderr(new OutputView(this))
    , m_openFile(new QToolButton(this))
{
    m_title->setObjectName(QStringLiteral("detailsTitle"));
    m_title->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_history->setObjectName(QStringLiteral("attemptHistory"));
    m_history->setRootIsDecorated(false);
    m_history->setUniformRowHeights(true);
    m_history->setHeaderLabels({tr("#"), tr("Started"), tr("Duration"), tr("Outcome"),
                                tr("Exit / signal"), tr("Message")});
    m_history->header()->setStretchLastSection(true);
    const int widths[] = {34, 70, 62, 90, 80};
    for (int column = 0; column < int(std::size(widths)); ++column)
        m_history->setColumnWidth(column, widths[column]);
    m_tabs->addTab(m_stdout, tr("stdout"));
    m_tabs->addTab(m_stderr, tr("stderr"));
    m_openFile->setObjectName(QStringLiteral("openFileButton"));
    m_openFile->setText(tr("Open File"));
    m_openFile->setToolTip(tr("Open the shown output file with the desktop's application"));
    m_openFile->setAutoRaise(true);
    m_tabs->setCornerWidget(m_openFile);
    connect(m_openFile, &QToolButton::clicked, this, &DetailsPane::openShownFile);
    connect(m_tabs, &QTabWidget::currentChanged, this, &DetailsPane::updateTabTexts);

    auto *split = new QSplitter(Qt::Horizontal, this);
    split->addWidget(m_history);
    split->addWidget(m_tabs);
    split->setStretchFactor(0, 1);
    split->setStretchFactor(1, 1);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_title);
    layout->addWidget(split, 1);

    connect(m_history, &QTreeWidget::currentItemChanged, this,
            &DetailsPane::onHistoryCurrentChanged);
    m_tailTimer.setInterval(300);
    connect(&m_tailTimer, &QTimer::timeout, this, &DetailsPane::pollOutput);
    connect(m_runner, &JobRunner::jobsChanged, this, &DetailsPane::onJobsChanged);
    setJob(0);
}

void DetailsPane::setJob(JobId id)
{
    if (id == m_job && id != 0)
        return;
    m_job = id;
    m_attempt = 0;
    m_followLatest = true;
    m_shownAttempts = -1;
    {
        // Cleared silently: "no attempt chosen" would stop following the latest.
        const QSignalBlocker blocker(m_history);
        m_history->clear();
    }
    m_stdout->setFile({});
    m_stderr->setFile({});
    refresh();
}

void DetailsPane::showAttempt(int attempt)
{
    m_followLatest = false;
    for (int i = 0; i < m_history->topLevelItemCount(); ++i) {
        QTreeWidgetItem *item = m_history->topLevelItem(i);
        if (item->data(NumberCol, Qt::UserRole).toInt() == attempt) {
            m_history->setCurrentItem(item);
            return;
        }
    }
}

void DetailsPane::refresh()
{
    const JobSnapshot snapshot = m_job ? m_runner->snapshot(m_job, true) : JobSnapshot();
    if (!snapshot.isValid()) {
        m_job = 0;
        m_title->setText(tr("Select a job to see its attempts and output."));
        const QSignalBlocker blocker(m_history);
        m_history->clear();
        m_tailTimer.stop();
        return;
    }
    // A job its file did not name goes by its #.
    const QString name = snapshot.name.isEmpty()
        ? QStringLiteral("#%1").arg(snapshot.seq > 0 ? qint64(snapshot.seq) : qint64(snapshot.id))
        : snapshot.name;
    m_title->setText(QStringLiteral("<b>%1</b> \u2014 %2 \u2014 <code>%3</code>")
                         .arg(name.toHtmlEscaped(), stateLabel(snapshot.state),
                              snapshot.command.toHtmlEscaped()));
    if (snapshot.attempts != m_shownAttempts || snapshot.state != m_shownState
        || snapshot.runningSinceUs != m_shownRunningSinceUs)
        fillHistory(snapshot);
    pollOutput();
    updateTail(snapshot);
}

void DetailsPane::onJobsChanged(const QList<JobId> &ids)
{
    if (m_job != 0 && std::binary_search(ids.cbegin(), ids.cend(), m_job))
        refresh();
}

void DetailsPane::fillHistory(const JobSnapshot &snapshot)
{
    const int keep = m_followLatest ? snapshot.attempts : m_attempt;
    {
        const QSignalBlocker blocker(m_history);
        m_history->clear();
        for (const AttemptRecord &record : snapshot.history) {
            auto *item = new QTreeWidgetItem(m_history);
            item->setData(NumberCol, Qt::UserRole, record.number);
            item->setText(NumberCol, QString::number(record.number));
            item->setText(StartedCol, formatTimestamp(record.startedUs));
            item->setText(DurationCol, formatDuration(record.durationUs()));
            item->setText(OutcomeCol, record.summary());
            item->setText(CodeCol, codeText(record));
            item->setText(MessageCol, record.message);
            item->setIcon(OutcomeCol, stateIcon(stateAfter(record)));
        }
        if (snapshot.state == JobState::Running)
            addRunningRow(snapshot);
    }
    m_shownAttempts = snapshot.attempts;
    m_shownState = snapshot.state;
    m_shownRunningSinceUs = snapshot.runningSinceUs;
    const bool follow = m_followLatest;
    showAttempt(keep);
    m_followLatest = follow;
}

void DetailsPane::addRunningRow(const JobSnapshot &snapshot)
{
    auto *item = new QTreeWidgetItem(m_history);
    item->setData(NumberCol, Qt::UserRole, snapshot.attempts);
    item->setText(NumberCol, QString::number(snapshot.attempts));
    item->setText(StartedCol, formatTimestamp(snapshot.runningSinceUs));
    item->setText(OutcomeCol, tr("running"));
    item->setIcon(OutcomeCol, stateIcon(JobState::Running));
}

void DetailsPane::onHistoryCurrentChanged()
{
    QTreeWidgetItem *item = m_history->currentItem();
    const int attempt = item ? item->data(NumberCol, Qt::UserRole).toInt() : 0;
    // Picking anything but the newest attempt stops following new ones.
    m_followLatest = attempt == m_shownAttempts;
    if (attempt == m_attempt)
        return;
    m_attempt = attempt;
    const QString none = tr("In-process job: no output files.");
    const QString out = m_runner->outputPath(m_job, attempt, OutputStream::Stdout);
    const QString err = m_runner->outputPath(m_job, attempt, OutputStream::Stderr);
    m_stdout->setFile(out, out.isEmpty() ? none : QString());
    m_stderr->setFile(err, err.isEmpty() ? none : QString());
    updateTabTexts();
}

void DetailsPane::pollOutput()
{
    m_stdout->poll();
    m_stderr->poll();
    updateTabTexts();
}

void DetailsPane::updateTabTexts()
{
    // Most jobs print nothing to stderr: a tab that says when it has content
    // saves a click on every job.
    m_tabs->setTabText(0, tabText(QStringLiteral("stdout"), m_stdout->size()));
    m_tabs->setTabText(1, tabText(QStringLiteral("stderr"), m_stderr->size()));
    const auto *shown = static_cast<OutputView *>(m_tabs->currentWidget());
    m_openFile->setEnabled(shown && shown->size() > 0);
}

QString DetailsPane::shownFile() const
{
    const auto *shown = static_cast<OutputView *>(m_tabs->currentWidget());
    return shown && shown->size() > 0 ? shown->path() : QString();
}

void DetailsPane::openShownFile()
{
    const QString path = shownFile();
    if (!path.isEmpty())
        QDesktopServices::openUrl(QUrl::fromLocalFile(path));
}

void DetailsPane::updateTail(const JobSnapshot &snapshot)
{
    const bool active = !isTerminal(snapshot.state);
    if (active && !m_tailTimer.isActive())
        m_tailTimer.start();
    else if (!active)
        m_tailTimer.stop();
}

} // namespace requeue
