#include "mainwindow.h"

#include "desktopnotifier.h"
#include "detailspane.h"
#include "filterbar.h"
#include "jobfile.h"
#include "jobfilterproxy.h"
#include "jobtablemodel.h"
#include "localexecutor.h"
#include "mainwindowactions.h"
#include "recentfiles.h"
#include "runalerts.h"
#include "rundirectory.h"
#include "runhistory.h"
#include "runsession.h"
#include "runsettingswidget.h"
#include "runstatuswidget.h"
#include "slurmexecutor.h"
#include "stateicons.h"
#include "tableplaceholder.h"
#include "timelinepanel.h"
#include "timelineview.h"
#include "uilogging.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QCloseEvent>
#include <QDesktopServices>
#include <QDir>
#include <QDockWidget>
#include <QFileDialog>
#include <QFileInfo>
#include <QHeaderView>
#include <QJsonArray>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QPushButton>
#include <QSettings>
#include <QSignalBlocker>
#include <QSplitter>
#include <QStatusBar>
#include <QTableView>
#include <QThreadPool>
#include <QToolBar>
#include <QVBoxLayout>

#include <limits>

namespace requeue {

namespace {

// The readers stop listing at MaxJobFileErrors and add one line that says
// how many more there are; that line must show too.
constexpr int MaxErrorsShown = MaxJobFileErrors + 1;
constexpr int ClockTickMs = 1000;
// Bulk actions on at least this many jobs ask first.
constexpr int ManyJobs = 10;

} // namespace

MainWindow::MainWindow(JobRunner *runner, QWidget *parent)
    : QMainWindow(parent)
    , m_ownedRunner(runner ? nullptr : std::make_unique<JobRunner>())
    , m_runner(runner ? runner : m_ownedRunner.get())
    , m_recent(new RecentFiles(this))
    , m_alerts(new RunAlerts(this, new DesktopNotifier, this))
    , m_session(new RunSession(m_runner, this))
{
    setObjectName(QStringLiteral("mainWindow"));
    setWindowIcon(appIcon());
    setAcceptDrops(true);
    m_settings = RunSettings::load(QSettings());
    m_runner->setMaxWorkers(m_settings.workers);
    if (m_settings.backend != m_backend)
        useBackend(m_settings.backend, m_settings.slurmPoll);
    createTable();
    createDocks();
    createActions();
    createMenus();
    createToolBar();
    restoreSettings();

    connect(m_runner, &JobRunner::idle, this, &MainWindow::onRunIdle, Qt::QueuedConnection);
    connect(m_runner, &JobRunner::countsChanged, this, &MainWindow::onCountsChanged);
    connect(m_runner, &JobRunner::pausedChanged, this, &MainWindow::onPausedChanged);
    connect(m_recent, &RecentFiles::fileChosen, this,
            [this](const QString &path) { loadFile(path); });
    connect(m_session, &RunSession::changed, this, &MainWindow::onSessionChanged);
    connect(m_session, &RunSession::steered, this, &MainWindow::onSteered);
    connect(m_session, &RunSession::remotePausedChanged, this, &MainWindow::onPausedChanged);
    connect(m_session, &RunSession::workersChanged, this, &MainWindow::onRunWorkersChanged);
    connect(m_session, &RunSession::controlled, this, &MainWindow::onControlled);
    // Its process has ended: the run is shown again as it ended, ready to resume.
    connect(
        m_session, &RunSession::followedRunEnded, this, [this] { openRun(m_session->directory()); },
        Qt::QueuedConnection);
    // Worker threads emit it; queued, it reaches the window in its thread.
    connect(m_runner, &JobRunner::jobFinished, this, &MainWindow::onJobFinished,
            Qt::QueuedConnection);
    m_clockTick.setInterval(ClockTickMs);
    connect(&m_clockTick, &QTimer::timeout, this, &MainWindow::updateStatus);
    m_paused = m_runner->isPaused();
    onCountsChanged(m_runner->stateCounts(), m_runner->totalAttempts());
    updateTitle();
}

MainWindow::~MainWindow()
{
    saveSettings();
    // The model, the details pane and the timeline hold the runner; they let
    // go of it before an owned runner goes.
    m_table->setModel(nullptr);
    delete m_proxy;
    delete m_model;
    delete m_details;
    m_timeline->view()->setRunner(nullptr);
    drainOwnedRunner();
    const QSignalBlocker quiet(m_session); // no title or actions to update any more
    m_session->close(QStringLiteral("closed"));
}

// The run's journal must hold the end of every attempt before its own end
// record. An owned runner's destructor cancels what is left (SIGTERM, then
// SIGKILL after the grace period) and returns once every attempt has ended
// and every observer, the run's recorder among them, has heard of it. A
// runner the window was given is its owner's to end.
void MainWindow::drainOwnedRunner()
{
    if (!m_ownedRunner)
        return;
    disconnect(m_runner, nullptr, this, nullptr); // the window is going
    m_ownedRunner.reset();
    m_runner = nullptr;
}

bool MainWindow::loadFile(const QString &path, LoadMode mode)
{
    return loadFiles({path}, mode);
}

bool MainWindow::loadFiles(const QStringList &paths, LoadMode mode)
{
    QList<LoadedList> lists;
    for (const QString &path : paths) {
        JobList list = loadJobList(path);
        if (!list.errors.isEmpty()) {
            QStringList lines;
            for (const JobFileError &error : std::as_const(list.errors))
                lines << error.toString();
            showLoadErrors(path, lines, qMax(list.errorCount, int(lines.size())),
                           list.errorCountIsLowerBound);
            return false;
        }
        if (list.jobs.isEmpty()) {
            showLoadErrors(path, {tr("%1: no jobs in the file.").arg(path)}, 1, false);
            return false;
        }
        lists.append({path, std::move(list.jobs)});
    }
    if (lists.isEmpty())
        return false;
    // A run opened from its directory is another process's or done: a list
    // replaces it rather than joining it.
    const bool opened = m_session->mode() == RunSession::Mode::Opened
        || m_session->mode() == RunSession::Mode::Following;
    if (opened)
        addLists(lists, LoadMode::Replace);
    else if (mode == LoadMode::Ask && m_model->rowCount() > 0)
        askHowToOpen(lists);
    else
        addLists(lists, mode == LoadMode::Add ? LoadMode::Add : LoadMode::Replace);
    return true;
}

void MainWindow::askHowToOpen(const QList<LoadedList> &lists)
{
    int jobs = 0;
    QStringList names;
    for (const LoadedList &list : lists) {
        jobs += int(list.entries.size());
        names << QFileInfo(list.path).fileName();
    }
    const int active = m_runner->stateCounts().active();
    auto *box = new QMessageBox(QMessageBox::Question, tr("Open %1").arg(names.join(u", ")),
                                tr("Replace the jobs shown with the %n job(s) of %1, or add "
                                   "them to this run?",
                                   nullptr, jobs)
                                    .arg(names.join(u", ")),
                                QMessageBox::NoButton, this);
    box->setObjectName(QStringLiteral("openModeBox"));
    QString info = tr("Either way nothing starts until you press Start.");
    if (active > 0)
        info.prepend(tr("Replace cancels the %n job(s) still active. ", nullptr, active));
    box->setInformativeText(info);
    QPushButton *replace = box->addButton(tr("Replace"), QMessageBox::AcceptRole);
    replace->setObjectName(QStringLiteral("replaceButton"));
    QPushButton *add = box->addButton(tr("Add to This Run"), QMessageBox::AcceptRole);
    add->setObjectName(QStringLiteral("addButton"));
    box->addButton(QMessageBox::Cancel)->setObjectName(QStringLiteral("cancelButton"));
    box->setDefaultButton(replace);
    box->setAttribute(Qt::WA_DeleteOnClose);
    connect(box, &QMessageBox::buttonClicked, this,
            [this, lists, replace, add](QAbstractButton *button) {
                if (button == replace)
                    addLists(lists, LoadMode::Replace);
                else if (button == add)
                    addLists(lists, LoadMode::Add);
            });
    box->open();
}

void MainWindow::addLists(const QList<LoadedList> &lists, LoadMode mode)
{
    if (mode == LoadMode::Replace)
        replaceRun();
    // A run that is going on, or that ended unpaused, would start the new
    // jobs at once: pausing keeps loading from starting anything.
    const bool wasRunning = !m_runner->isPaused() && m_runner->stateCounts().active() > 0;
    m_runner->pause();
    int added = 0;
    for (const LoadedList &list : lists)
        added += addList(list);
    m_model->refreshNow(); // one insert of every row: the table is usable at once
    m_resultText.clear();
    updateTitle();
    updateStartAction(); // a new run says Start, not Resume
    const QString what = lists.size() == 1 ? QFileInfo(lists.constFirst().path).fileName()
                                           : tr("%n file(s)", nullptr, int(lists.size()));
    QString message = tr("Loaded %n job(s) from %1.", nullptr, added).arg(what) + QLatin1Char(' ');
    message += wasRunning ? tr("Paused so that they wait: running attempts go on; press Resume.")
                          : tr("Press Start to run them.");
    afterBulkAction(message);
}

int MainWindow::addList(const LoadedList &list)
{
    // Numbered after the run's jobs, so that # stays unique in the table.
    const int base = m_lastSeq;
    QList<JobSpec> specs;
    specs.reserve(list.entries.size());
    for (JobListEntry entry : list.entries) {
        m_settings.applyTo(entry);
        // A default name is a line number or the #: noise in the Name column.
        if (!entry.named)
            entry.spec.name.clear();
        if (entry.spec.seq > 0) {
            entry.spec.seq += base;
            m_lastSeq = std::max(m_lastSeq, entry.spec.seq);
        }
        specs.append(std::move(entry.spec));
    }
    QString error;
    if (!m_session->recordJobs(specs, &error))
        statusBar()->showMessage(
            tr("The run directory does not list the added jobs: %1").arg(error));
    m_runSpecs += specs;
    m_runner->addJobs(specs);
    m_recent->add(list.path);
    m_currentFile = list.path;
    if (!m_runFiles.contains(list.path))
        m_runFiles.append(list.path);
    return int(specs.size());
}

void MainWindow::replaceRun()
{
    // The window goes on at once; the run's journal ends once the attempts
    // cancelled here have ended (RunSession::close()).
    m_session->close(QStringLiteral("replaced"));
    m_runner->pause();
    const QList<JobId> ids = m_runner->jobIds();
    m_runner->cancel(ids);
    m_model->removeFinished(ids);
    // Cancelled attempts still running leave when their process has ended.
    const QList<JobId> left = m_runner->jobIds();
    for (JobId id : left)
        m_leaving.insert(id);
    // The timeline keeps what it drew of removed jobs; a new run starts blank.
    m_timeline->view()->setRunner(m_runner);
    m_runFiles.clear();
    m_runSpecs.clear();
    m_lastSeq = 0;
    m_runStarted = false;
    m_runClock.invalidate();
    m_resultText.clear();
}

void MainWindow::onJobFinished(JobId id)
{
    if (m_leaving.remove(id))
        m_model->removeFinished({id});
}

QString MainWindow::runName() const
{
    if (m_runFiles.isEmpty())
        return {};
    const QString first = QFileInfo(m_runFiles.constFirst()).fileName();
    if (m_runFiles.size() == 1)
        return first;
    if (m_runFiles.size() == 2)
        return QStringLiteral("%1 + %2").arg(first, QFileInfo(m_runFiles.constLast()).fileName());
    return tr("%1 + %n more", nullptr, int(m_runFiles.size() - 1)).arg(first);
}

QList<JobId> MainWindow::selectedJobIds() const
{
    const std::vector<int> rows = m_proxy->sourceRows(m_table->selectionModel()->selection());
    QList<JobId> ids;
    ids.reserve(qsizetype(rows.size()));
    for (int row : rows)
        ids.append(m_model->jobId(row));
    return ids;
}

void MainWindow::selectJobs(const QList<JobId> &ids)
{
    QItemSelection selection;
    QModelIndex first;
    for (JobId id : ids) {
        const int sourceRow = m_model->rowOf(id);
        const QModelIndex index = m_proxy->mapFromSource(m_model->index(sourceRow, 0));
        if (!index.isValid())
            continue;
        selection.select(index, index);
        if (!first.isValid())
            first = index;
    }
    auto *selectionModel = m_table->selectionModel();
    selectionModel->select(selection,
                           QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    if (first.isValid())
        selectionModel->setCurrentIndex(first, QItemSelectionModel::NoUpdate);
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    const StateCounts counts = m_runner->stateCounts();
    const bool running = counts[JobState::Running] + counts[JobState::WaitingForRetry] > 0
        || (counts[JobState::Queued] > 0 && !m_runner->isPaused());
    if (running && !m_quitConfirmed) {
        event->ignore();
        askToCancelAndQuit();
        return;
    }
    if (running)
        m_runner->cancelAll();
    QMainWindow::closeEvent(event);
}

void MainWindow::changeEvent(QEvent *event)
{
    QMainWindow::changeEvent(event);
    if (event->type() == QEvent::ActivationChange && isActiveWindow())
        updateTitle();
}

void MainWindow::dragEnterEvent(QDragEnterEvent *event)
{
    const QList<QUrl> urls = event->mimeData()->urls();
    if (!urls.isEmpty() && urls.first().isLocalFile())
        event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent *event)
{
    const QList<QUrl> urls = event->mimeData()->urls();
    QStringList paths;
    for (const QUrl &url : urls) {
        if (url.isLocalFile())
            paths << url.toLocalFile();
    }
    event->acceptProposedAction();
    if (!paths.isEmpty())
        loadFiles(paths);
}

void MainWindow::createTable()
{
    m_model = new JobTableModel(m_runner, this);
    m_proxy = new JobFilterProxy(this);
    m_proxy->setSourceModel(m_model);
    m_table = new QTableView(this);
    m_table->setObjectName(QStringLiteral("jobTable"));
    m_table->setModel(m_proxy);
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(JobTableModel::SeqColumn, Qt::AscendingOrder);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_table->setContextMenuPolicy(Qt::CustomContextMenu);
    m_table->setWordWrap(false);
    m_table->setShowGrid(false);
    m_table->setAlternatingRowColors(true);
    m_table->verticalHeader()->hide();
    // Fixed row heights: the view never measures 100,000 rows.
    m_table->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_table->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 6);
    QHeaderView *header = m_table->horizontalHeader();
    header->setStretchLastSection(true);
    header->setSectionsMovable(true);
    // Commands differ at both ends (program, then the file it works on):
    // eliding in the middle keeps both.
    m_table->setTextElideMode(Qt::ElideMiddle);
    // They add up to less than the table of a default window (1200 px wide,
    // with the run settings beside it), so nothing needs a horizontal
    // scroll bar at first; Finished, the last, stretches into the rest.
    const int widths[] = {40, 105, 145, 65, 125, 240, 65, 70, 65, 80};
    for (int column = 0; column < JobTableModel::ColumnCount; ++column)
        header->resizeSection(column, widths[column]);
    m_table->setColumnHidden(JobTableModel::ClusterJobColumn,
                             m_backend != RunSettings::Backend::Slurm);
    new TablePlaceholder(m_table, m_proxy);

    header->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(header, &QWidget::customContextMenuRequested, this, &MainWindow::showHeaderMenu);
    createCentralArea();
    connect(m_table, &QWidget::customContextMenuRequested, this, &MainWindow::showTableMenu);
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this, [this] {
        m_selectionDirty = true;
        updateActions();
        m_timeline->view()->setHighlightedJobs(selectedJobIds());
    });
    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            &MainWindow::onCurrentRowChanged);
    connect(m_model, &JobTableModel::refreshed, this, &MainWindow::onModelRefreshed);
}

void MainWindow::createCentralArea()
{
    m_filterBar = new FilterBar(m_proxy, this);
    m_details = new DetailsPane(m_runner, this);
    auto *top = new QWidget(this);
    auto *layout = new QVBoxLayout(top);
    layout->setContentsMargins(4, 4, 4, 0);
    layout->addWidget(m_filterBar);
    layout->addWidget(m_table, 1);
    auto *split = new QSplitter(Qt::Vertical, this);
    split->setObjectName(QStringLiteral("mainSplitter"));
    split->addWidget(top);
    split->addWidget(m_details);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);
    setCentralWidget(split);
}

void MainWindow::createTimelineDock()
{
    m_timeline = new TimelinePanel(m_runner, this);
    auto *dock = new QDockWidget(tr("Timeline"), this);
    dock->setObjectName(QStringLiteral("timelineDock"));
    dock->setWidget(m_timeline);
    addDockWidget(Qt::BottomDockWidgetArea, dock);
    connect(m_timeline->view(), &TimelineView::jobClicked, this,
            [this](JobId id) { selectJobs({id}); });
}

void MainWindow::createDocks()
{
    m_settingsWidget = new RunSettingsWidget(this);
    m_settingsWidget->setSettings(m_settings);
    connect(m_settingsWidget, &RunSettingsWidget::settingsChanged, this,
            &MainWindow::applyRunSettings);
    auto *dock = new QDockWidget(tr("Run Settings"), this);
    dock->setObjectName(QStringLiteral("runSettingsDock"));
    dock->setWidget(m_settingsWidget);
    addDockWidget(Qt::RightDockWidgetArea, dock);

    createTimelineDock();

    m_status = new RunStatusWidget(this);
    statusBar()->addPermanentWidget(m_status);
    m_runLabel = new QLabel(this);
    m_runLabel->setObjectName(QStringLiteral("runLabel"));
    m_runLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    statusBar()->addPermanentWidget(m_runLabel);
}

void MainWindow::createActions()
{
    m_actions = new MainWindowActions(this);
    const auto wire = [this](QAction *action, void (MainWindow::*slot)()) {
        connect(action, &QAction::triggered, this, slot);
    };
    wire(m_actions->open(), &MainWindow::openFileDialog);
    wire(m_actions->openRun(), &MainWindow::openRunDialog);
    wire(m_actions->startPause(), &MainWindow::toggleStartPause);
    wire(m_actions->retrySelected(), &MainWindow::retrySelected);
    wire(m_actions->cancelSelected(), &MainWindow::cancelSelected);
    wire(m_actions->retryAllFailed(), &MainWindow::retryAllFailed);
    wire(m_actions->cancelAll(), &MainWindow::cancelAll);
    wire(m_actions->clearFinished(), &MainWindow::clearFinished);
    wire(m_actions->copyCommand(), &MainWindow::copySelectedCommands);
    wire(m_actions->quit(), &MainWindow::requestClose);
    wire(m_actions->openOutputFolder(), &MainWindow::openOutputFolder);
}

void MainWindow::createMenus()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    file->addAction(m_actions->open());
    m_recentMenu = file->addMenu(tr("Open &Recent"));
    m_recentMenu->setObjectName(QStringLiteral("recentMenu"));
    connect(m_recentMenu, &QMenu::aboutToShow, this, [this] { m_recent->fillMenu(m_recentMenu); });
    m_recent->fillMenu(m_recentMenu);
    file->addAction(m_actions->openRun());
    m_recentRunsMenu = file->addMenu(tr("Recent R&uns"));
    m_recentRunsMenu->setObjectName(QStringLiteral("recentRunsMenu"));
    connect(m_recentRunsMenu, &QMenu::aboutToShow, this, &MainWindow::fillRecentRunsMenu);
    fillRecentRunsMenu();
    file->addAction(m_actions->openOutputFolder());
    file->addSeparator();
    file->addAction(m_actions->quit());

    QMenu *run = menuBar()->addMenu(tr("&Run"));
    run->addActions(
        {m_actions->startPause(), m_actions->retrySelected(), m_actions->cancelSelected()});
    run->addSeparator();
    run->addActions(
        {m_actions->retryAllFailed(), m_actions->cancelAll(), m_actions->clearFinished()});

    QMenu *edit = menuBar()->addMenu(tr("&Edit"));
    edit->addAction(m_actions->copyCommand());
    QAction *find = edit->addAction(tr("&Find"));
    find->setShortcut(QKeySequence::Find);
    connect(find, &QAction::triggered, this, [this] {
        m_filterBar->searchField()->setFocus(Qt::ShortcutFocusReason);
        m_filterBar->searchField()->selectAll();
    });
    edit->addAction(tr("Select &All"), QKeySequence::SelectAll, m_table, &QTableView::selectAll);

    m_viewMenu = menuBar()->addMenu(tr("&View"));
    for (QDockWidget *dock : findChildren<QDockWidget *>(Qt::FindDirectChildrenOnly))
        m_viewMenu->addAction(dock->toggleViewAction());
    QAction *notifications = m_viewMenu->addAction(tr("Desktop &Notifications"));
    notifications->setObjectName(QStringLiteral("actionNotifications"));
    notifications->setCheckable(true);
    notifications->setChecked(m_alerts->notificationsEnabled());
    connect(notifications, &QAction::toggled, m_alerts, &RunAlerts::setNotificationsEnabled);

    QMenu *help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&About Requeue"), this, &MainWindow::showAbout)
        ->setObjectName(QStringLiteral("actionAbout"));
}

void MainWindow::createToolBar()
{
    QToolBar *bar = addToolBar(tr("Main"));
    bar->setObjectName(QStringLiteral("mainToolBar"));
    bar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    bar->addAction(m_actions->open());
    bar->addSeparator();
    bar->addActions(
        {m_actions->startPause(), m_actions->retrySelected(), m_actions->cancelSelected()});
    bar->addSeparator();
    bar->addActions(
        {m_actions->retryAllFailed(), m_actions->cancelAll(), m_actions->clearFinished()});
    m_viewMenu->addAction(bar->toggleViewAction());
}

void MainWindow::restoreSettings()
{
    QSettings settings;
    const QByteArray geometry = settings.value(QStringLiteral("window/geometry")).toByteArray();
    if (geometry.isEmpty() || !restoreGeometry(geometry))
        resize(1200, 760);
    restoreState(settings.value(QStringLiteral("window/state")).toByteArray());
    m_table->horizontalHeader()->restoreState(
        settings.value(QStringLiteral("window/columns2")).toByteArray());
    // Shown while jobs run on Slurm, whatever the columns were saved with.
    m_table->setColumnHidden(JobTableModel::ClusterJobColumn,
                             m_backend != RunSettings::Backend::Slurm);
}

void MainWindow::saveSettings() const
{
    QSettings settings;
    settings.setValue(QStringLiteral("window/geometry"), saveGeometry());
    settings.setValue(QStringLiteral("window/state"), saveState());
    // "columns2": Command moved before the times; an older saved order would
    // put widths and hidden flags on the wrong columns.
    settings.setValue(QStringLiteral("window/columns2"), m_table->horizontalHeader()->saveState());
    m_settings.save(settings);
}

void MainWindow::requestClose()
{
    close();
}

void MainWindow::openFileDialog()
{
    const QString dir = m_currentFile.isEmpty() ? QString() : QFileInfo(m_currentFile).path();
    const QString path = QFileDialog::getOpenFileName(
        this, tr("Open Job List"), dir, tr("Job lists (*.txt *.json *.jobs);;All files (*)"));
    if (!path.isEmpty())
        loadFile(path);
}

void MainWindow::openRunDialog()
{
    const QString dir
        = QFileDialog::getExistingDirectory(this, tr("Open Run"), RunDirectory::defaultRoot());
    if (!dir.isEmpty())
        openRun(dir);
}

// The newest runs under the default root, by name (which starts with the
// time): reading each run would make the menu slow to open.
void MainWindow::fillRecentRunsMenu()
{
    constexpr int MaxRuns = 10;
    m_recentRunsMenu->clear();
    const QDir root(RunDirectory::defaultRoot());
    QStringList names
        = root.entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name | QDir::Reversed);
    int shown = 0;
    for (const QString &name : std::as_const(names)) {
        const QString dir = root.absoluteFilePath(name);
        if (shown == MaxRuns || !RunDirectory::isRunDirectory(dir))
            continue;
        ++shown;
        const QString label = RunDirectory::isLive(dir) ? tr("%1 (live)").arg(name) : name;
        connect(m_recentRunsMenu->addAction(label), &QAction::triggered, this,
                [this, dir] { openRun(dir); });
    }
    if (shown == 0)
        m_recentRunsMenu->addAction(tr("No runs yet"))->setEnabled(false);
}

bool MainWindow::openRun(const QString &dir)
{
    replaceRun();
    QString error;
    QStringList warnings;
    const bool opened = m_session->open(dir, &error, &warnings);
    if (!warnings.isEmpty() || !opened) {
        QStringList lines = warnings.mid(0, MaxErrorsShown);
        auto *box = new QMessageBox(opened ? QMessageBox::Information : QMessageBox::Warning,
                                    tr("Open Run"),
                                    opened ? tr("Some of the run's records could not be read; "
                                                "the rest is shown.")
                                           : tr("Cannot open the run: %1").arg(error),
                                    QMessageBox::Ok, this);
        box->setObjectName(QStringLiteral("openRunBox"));
        box->setDetailedText(lines.join(QLatin1Char('\n')));
        box->setAttribute(Qt::WA_DeleteOnClose);
        box->open();
    }
    if (!opened)
        return false;
    m_runner->setOutputDirectory(m_session->directory() + QLatin1Char('/')
                                 + QLatin1String(RunDirectory::OutputFolder));
    const StateCounts counts = m_runner->stateCounts();
    if (m_session->mode() == RunSession::Mode::Opened)
        useRunBackend();
    // The settings show the run's workers: changing them changes the run's.
    if (const int workers = m_session->workers(); workers > 0 && workers != m_settings.workers) {
        m_settings.workers = workers;
        m_settingsWidget->setSettings(m_settings);
        if (m_session->mode() != RunSession::Mode::Following)
            m_runner->setMaxWorkers(workers);
    }
    m_lastSeq = 0;
    for (const JobSnapshot &job : m_runner->snapshots(m_runner->jobIds()))
        m_lastSeq = std::max(m_lastSeq, job.seq);
    m_model->refreshNow();
    // Resume, not Start: the run has been going.
    m_runStarted = true;
    m_paused
        = m_session->mode() == RunSession::Mode::Following ? m_session->isRemotePaused() : true;
    if (m_session->mode() == RunSession::Mode::Opened)
        m_resultText = resultText(counts);
    updateTitle();
    updateStartAction();
    afterBulkAction(m_session->mode() == RunSession::Mode::Following
                        ? tr("Following the run as it goes; your actions steer it.")
                        : tr("Press Resume to run the jobs that did not succeed again."));
    return true;
}

void MainWindow::onSessionChanged()
{
    const QString text = m_session->description();
    m_runLabel->setText(text);
    m_runLabel->setToolTip(m_session->directory());
    m_runLabel->setVisible(!text.isEmpty());
    updateTitle();
    updateStartAction();
}

void MainWindow::openOutputFolder()
{
    const QString dir = m_runner->outputDirectory();
    if (!dir.isEmpty())
        QDesktopServices::openUrl(QUrl::fromLocalFile(dir));
}

void MainWindow::toggleStartPause()
{
    if (m_session->mode() == RunSession::Mode::Following) {
        steer(m_paused ? ControlRequest::Command::Resume : ControlRequest::Command::Pause);
    } else if (m_runner->isPaused()) {
        const bool wasRecording = m_session->mode() == RunSession::Mode::Recording;
        beginRecording();
        m_resultText.clear();
        m_runStarted = true;
        if (!m_runClock.isValid())
            m_runClock.start();
        m_runner->start();
        if (wasRecording)
            m_session->recordAction(QStringLiteral("resume"));
        updateTitle();
        afterBulkAction(tr("Running."));
    } else {
        m_runner->pause();
        m_session->recordAction(QStringLiteral("pause"));
        afterBulkAction(tr("Paused: running attempts go on, no new ones start."));
    }
}

// A run is recorded from its first Start; an opened run goes on in its own
// directory, with the jobs that did not succeed run again (as `requeue
// resume` does). A run that cannot be recorded still runs.
void MainWindow::beginRecording()
{
    QString error;
    switch (m_session->mode()) {
    case RunSession::Mode::Recording:
    case RunSession::Mode::Following:
        return;
    case RunSession::Mode::Opened:
        if (m_session->resumeRecording(&error)) {
            QList<JobId> again;
            const QList<JobId> ids = m_runner->jobIds();
            for (const JobSnapshot &job : m_runner->snapshots(ids)) {
                // A replaced run's cancelled jobs are on their way out.
                if ((job.state == JobState::Failed || job.state == JobState::Cancelled)
                    && !m_leaving.contains(job.id))
                    again.append(job.id);
            }
            m_runner->retry(again);
        }
        break;
    case RunSession::Mode::None:
        if (m_runSpecs.isEmpty())
            return; // a runner given by a program, not a list: nothing to record
        if (m_session->startRecording(RunDirectory::defaultRoot(), runInfo(), &error))
            pruneRuns();
        break;
    }
    if (!error.isEmpty())
        QMessageBox::warning(this, tr("Run not recorded"),
                             tr("The run goes on, but it is not recorded: %1").arg(error));
}

RunInfo MainWindow::runInfo() const
{
    RunInfo info;
    info.listPath
        = m_runFiles.isEmpty() ? QString() : QFileInfo(m_runFiles.constFirst()).absoluteFilePath();
    info.listSha256 = fileSha256(info.listPath);
    info.jobs = m_runSpecs;
    info.backend = m_backend == RunSettings::Backend::Slurm ? QStringLiteral("slurm")
                                                            : QStringLiteral("local");
    info.workers = m_runner->maxWorkers();
    QJsonObject options;
    options.insert(QLatin1String("frontEnd"), QStringLiteral("window"));
    options.insert(QLatin1String("files"), QJsonArray::fromStringList(m_runFiles));
    options.insert(QLatin1String("workers"), info.workers);
    if (m_slurm) // as `requeue run` records it, for a resume
        options.insert(QLatin1String("poll_ms"), qint64(m_slurm->pollInterval().count()));
    info.options = options;
    return info;
}

// Keeps the newest runs (the run settings say how many), in the background:
// reading every run's size takes a while.
void MainWindow::pruneRuns() const
{
    const int keep
        = m_settings.keepRuns > 0 ? m_settings.keepRuns : std::numeric_limits<int>::max();
    const qint64 maxBytes = m_settings.keepRunsMiB > 0 ? qint64(m_settings.keepRunsMiB) << 20 : -1;
    if (m_settings.keepRuns <= 0 && maxBytes < 0)
        return;
    QThreadPool::globalInstance()->start([root = RunDirectory::defaultRoot(), keep, maxBytes] {
        for (const QString &dir : runsToPrune(listRuns(root), keep, maxBytes))
            QDir(dir).removeRecursively();
    });
}

bool MainWindow::steer(ControlRequest::Command command, const QList<JobId> &ids, int workers)
{
    if (m_session->mode() != RunSession::Mode::Following)
        return false;
    ControlRequest request;
    request.command = command;
    request.seqs = m_session->seqsOf(ids);
    request.workers = workers;
    if ((command == ControlRequest::Command::Retry || command == ControlRequest::Command::Cancel)
        && request.seqs.isEmpty())
        return true;
    m_session->steer(request);
    statusBar()->showMessage(tr("Sent to the run's process\u2026"));
    return true;
}

void MainWindow::onSteered(bool ok, const QString &message)
{
    if (ok)
        statusBar()->showMessage(message, 5000);
    else
        QMessageBox::warning(this, tr("The run did not do it"), message);
}

// The run's workers changed outside the window (`requeue ctl`, another
// viewer): the settings show them, as they do once the run is opened.
void MainWindow::onRunWorkersChanged(int workers)
{
    if (workers == m_settings.workers)
        return;
    m_settings.workers = workers;
    m_settingsWidget->setSettings(m_settings);
}

// `requeue ctl` steered the window's own run; the runner has done it, and
// the table follows the runner. What the window keeps beside goes along.
void MainWindow::onControlled(const ControlRequest &request)
{
    using Command = ControlRequest::Command;
    if (request.command == Command::Retry || request.command == Command::RetryFailed
        || request.command == Command::Resume) {
        m_resultText.clear();
        if (!m_runClock.isValid())
            m_runClock.start();
        updateTitle();
    }
    statusBar()->showMessage(tr("The run was steered through its control socket."), 5000);
}

void MainWindow::retrySelected()
{
    const QList<JobId> ids = selectedJobIds();
    if (steer(ControlRequest::Command::Retry, ids))
        return;
    restartRunClock();
    const int n = m_runner->retry(ids);
    m_session->recordAction(QStringLiteral("retry"), ids);
    afterBulkAction(tr("Retrying %n job(s).", nullptr, n));
}

void MainWindow::restartRunClock()
{
    // A retry after the end starts the run's clock again: "Finished in"
    // should not count the minutes the window sat idle.
    if (m_runner->isIdle())
        m_runClock.start();
}

void MainWindow::cancelSelected()
{
    const QList<JobId> ids = selectedJobIds();
    if (steer(ControlRequest::Command::Cancel, ids))
        return;
    const int n = m_runner->cancel(ids);
    m_session->recordAction(QStringLiteral("cancel"), ids);
    afterBulkAction(tr("Cancelling %n job(s).", nullptr, n));
}

void MainWindow::retryAllFailed()
{
    if (steer(ControlRequest::Command::RetryFailed))
        return;
    restartRunClock();
    const int n = m_runner->retryAllFailed();
    m_session->recordAction(QStringLiteral("retry-failed"));
    afterBulkAction(tr("Retrying %n failed job(s).", nullptr, n));
}

void MainWindow::cancelAll()
{
    const int active = m_runner->stateCounts().active();
    if (active < ManyJobs) {
        cancelAllNow();
        return;
    }
    auto *box = new QMessageBox(QMessageBox::Question, tr("Cancel All"),
                                tr("Cancel all %n active job(s)?", nullptr, active),
                                QMessageBox::NoButton, this);
    box->setObjectName(QStringLiteral("cancelAllBox"));
    box->setInformativeText(tr("Running attempts are stopped; no job is retried."));
    QPushButton *cancel = box->addButton(tr("Cancel Jobs"), QMessageBox::DestructiveRole);
    cancel->setObjectName(QStringLiteral("cancelJobsButton"));
    QPushButton *keep = box->addButton(tr("Keep Them"), QMessageBox::RejectRole);
    keep->setObjectName(QStringLiteral("keepButton"));
    box->setDefaultButton(keep);
    box->setAttribute(Qt::WA_DeleteOnClose);
    connect(box, &QMessageBox::buttonClicked, this, [this, cancel](QAbstractButton *button) {
        if (button == cancel)
            cancelAllNow();
    });
    box->open();
}

void MainWindow::cancelAllNow()
{
    if (steer(ControlRequest::Command::CancelAll))
        return;
    const int n = m_runner->cancelAll();
    m_session->recordAction(QStringLiteral("cancel-all"));
    afterBulkAction(tr("Cancelling %n job(s).", nullptr, n));
}

void MainWindow::clearFinished()
{
    const StateCounts counts = m_runner->stateCounts();
    const int succeeded = counts[int(JobState::Succeeded)];
    const int others = counts.finished() - succeeded;
    // Failed jobs keep their stderr, the reason to look at them: clearing
    // them, or many jobs, is asked first.
    if (others == 0 && succeeded < ManyJobs) {
        clearJobs(ClearWhich::AllFinished);
        return;
    }
    auto *box = new QMessageBox(
        QMessageBox::Question, tr("Clear Finished"),
        tr("Clear %n finished job(s) from the table?", nullptr, succeeded + others),
        QMessageBox::NoButton, this);
    box->setObjectName(QStringLiteral("clearBox"));
    if (others > 0)
        box->setInformativeText(tr("%n of them failed or were cancelled; clearing them throws "
                                   "away their history and output.",
                                   nullptr, others));
    QPushButton *succeededOnly = nullptr;
    if (succeeded > 0 && others > 0) {
        succeededOnly = box->addButton(tr("Clear %n Succeeded Only", nullptr, succeeded),
                                       QMessageBox::AcceptRole);
        succeededOnly->setObjectName(QStringLiteral("clearSucceededButton"));
    }
    QPushButton *all = box->addButton(tr("Clear All %n Finished", nullptr, succeeded + others),
                                      QMessageBox::DestructiveRole);
    all->setObjectName(QStringLiteral("clearAllButton"));
    QPushButton *keep = box->addButton(QMessageBox::Cancel);
    keep->setObjectName(QStringLiteral("cancelButton"));
    box->setDefaultButton(succeededOnly ? succeededOnly : keep);
    box->setAttribute(Qt::WA_DeleteOnClose);
    connect(box, &QMessageBox::buttonClicked, this,
            [this, succeededOnly, all](QAbstractButton *button) {
                if (button && button == succeededOnly)
                    clearJobs(ClearWhich::SucceededOnly);
                else if (button == all)
                    clearJobs(ClearWhich::AllFinished);
            });
    box->open();
}

void MainWindow::clearJobs(ClearWhich which)
{
    // From the runner, not the rows: the table may be a tick behind.
    QList<JobId> ids = m_runner->jobIds();
    if (which == ClearWhich::SucceededOnly) {
        const QList<JobSnapshot> jobs = m_runner->snapshots(ids);
        ids.clear();
        for (const JobSnapshot &job : jobs) {
            if (job.state == JobState::Succeeded)
                ids.append(job.id);
        }
    }
    const int n = m_model->removeFinished(ids);
    // The title's result was about jobs that are gone now.
    if (!m_resultText.isEmpty())
        m_resultText = m_runner->jobCount() > 0 ? resultText(m_runner->stateCounts()) : QString();
    updateTitle();
    afterBulkAction(tr("Removed %n finished job(s).", nullptr, n));
}

void MainWindow::afterBulkAction(const QString &message)
{
    if (!message.isEmpty())
        statusBar()->showMessage(message, 5000);
    // Every view follows the runner's change feed; after the user's own
    // action they should not wait for its next tick.
    m_selectionDirty = true;
    m_runner->flushChanges();
}

void MainWindow::showTableMenu(const QPoint &pos)
{
    QMenu menu(this);
    menu.addActions({m_actions->retrySelected(), m_actions->cancelSelected()});
    menu.addSeparator();
    menu.addAction(m_actions->copyCommand());
    menu.exec(m_table->viewport()->mapToGlobal(pos));
}

void MainWindow::showHeaderMenu(const QPoint &pos)
{
    QHeaderView *header = m_table->horizontalHeader();
    QMenu menu(this);
    for (int column = 0; column < JobTableModel::ColumnCount; ++column) {
        QAction *action = menu.addAction(m_model->headerData(column, Qt::Horizontal).toString());
        action->setCheckable(true);
        action->setChecked(!header->isSectionHidden(column));
        // Keep at least the name: a table without columns cannot be fixed.
        action->setEnabled(column != JobTableModel::NameColumn);
        connect(action, &QAction::toggled, header,
                [header, column](bool shown) { header->setSectionHidden(column, !shown); });
    }
    menu.exec(header->mapToGlobal(pos));
}

void MainWindow::showAbout()
{
    // What `requeue --version` prints: Requeue's version and Qt's at run time.
    auto *box = new QMessageBox(QMessageBox::NoIcon, tr("About Requeue"),
                                tr("<b>Requeue</b> %1<br>Qt %2<p>Runs shell jobs on a pool of "
                                   "workers and retries every failed attempt at once.</p>")
                                    .arg(QCoreApplication::applicationVersion().toHtmlEscaped(),
                                         QString::fromLatin1(qVersion())),
                                QMessageBox::Ok, this);
    box->setObjectName(QStringLiteral("aboutBox"));
    box->setIconPixmap(windowIcon().pixmap(64, 64));
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();
}

void MainWindow::copySelectedCommands()
{
    QStringList commands;
    const QItemSelection selection = m_table->selectionModel()->selection();
    for (const QItemSelectionRange &range : selection) {
        for (int row = range.top(); row <= range.bottom(); ++row)
            commands << m_proxy->index(row, JobTableModel::CommandColumn).data().toString();
    }
    QApplication::clipboard()->setText(commands.join(QLatin1Char('\n')));
}

bool MainWindow::useBackend(RunSettings::Backend backend, std::chrono::milliseconds slurmPoll)
{
    std::unique_ptr<Executor> executor;
    SlurmExecutor *slurm = nullptr;
    if (backend == RunSettings::Backend::Slurm) {
        SlurmSettings settings;
        settings.pollInterval = slurmPoll;
        settings.runTag = QStringLiteral("gui%1").arg(QCoreApplication::applicationPid());
        auto slurmExecutor = std::make_unique<SlurmExecutor>(settings);
        slurm = slurmExecutor.get();
        executor = std::move(slurmExecutor);
    } else {
        executor = std::make_unique<LocalExecutor>();
    }
    if (!m_runner->setExecutor(std::move(executor)))
        return false;
    m_backend = backend;
    m_slurm = slurm;
    if (m_table) {
        m_table->setColumnHidden(JobTableModel::ClusterJobColumn,
                                 backend != RunSettings::Backend::Slurm);
    }
    return true;
}

void MainWindow::useRunBackend()
{
    RunSettings settings = m_settings;
    settings.backend = m_session->backend() == QLatin1String("slurm") ? RunSettings::Backend::Slurm
                                                                      : RunSettings::Backend::Local;
    if (m_session->slurmPoll().count() > 0)
        settings.slurmPoll = m_session->slurmPoll();
    if (settings.backend != m_backend && !useBackend(settings.backend, settings.slurmPoll))
        return;
    if (m_slurm)
        m_slurm->setPollInterval(settings.slurmPoll);
    m_settings = settings;
    m_settingsWidget->setSettings(m_settings);
}

void MainWindow::applyRunSettings(const RunSettings &settings)
{
    if (settings.backend != m_backend && !useBackend(settings.backend, settings.slurmPoll)) {
        statusBar()->showMessage(tr("Where jobs run changes once no attempt is running."), 5000);
        RunSettings kept = settings;
        kept.backend = m_backend;
        m_settingsWidget->setSettings(kept);
        return applyRunSettings(kept);
    }
    if (settings.workers != m_settings.workers
        && !steer(ControlRequest::Command::Workers, {}, settings.workers))
        m_session->recordAction(QStringLiteral("workers"), {}, settings.workers);
    if (m_slurm)
        m_slurm->setPollInterval(settings.slurmPoll);
    m_settings = settings;
    if (m_session->mode() != RunSession::Mode::Following)
        m_runner->setMaxWorkers(settings.workers);
    QSettings store;
    settings.save(store);
}

void MainWindow::onCountsChanged(const StateCounts &counts, int totalAttempts)
{
    m_counts = counts;
    m_totalAttempts = totalAttempts;
    m_filterBar->setCounts(counts);
    updateStatus();
    m_alerts->updateCounts(counts);
    // A huge selection is summed up here rather than on every model refresh.
    if (m_selectionDirty)
        updateActions();
    m_actions->setCounts(counts);
    // The output folder is made when the first attempt starts.
    const QString output = m_runner->outputDirectory();
    if (output != m_shownOutputFolder) {
        m_shownOutputFolder = output;
        m_status->setOutputFolder(output);
        m_actions->setOutputFolderExists(!output.isEmpty());
    }
    updateStartAction();
}

void MainWindow::onPausedChanged(bool paused)
{
    // Following a run, its process's pause counts, not this runner's.
    if (sender() == m_runner && m_session->mode() == RunSession::Mode::Following)
        return;
    m_paused = paused;
    updateStartAction();
}

void MainWindow::updateStatus()
{
    // The estimate reads every row: once a second is enough for a figure that
    // is shown rounded, though the counts change up to 30 times a second.
    if (!m_etaClock.isValid() || m_etaClock.elapsed() >= ClockTickMs) {
        m_eta = m_model->remainingSeconds(m_runner->maxWorkers());
        m_etaClock.start();
    }
    m_status->update(m_counts, m_totalAttempts, m_eta);
}

void MainWindow::updateStartAction()
{
    m_actions->setResumable(m_session->mode() == RunSession::Mode::Opened
                            && m_counts.finished() > m_counts[JobState::Succeeded]);
    m_actions->setRunState(m_paused, m_runStarted);
    // Rates and the ETA age with time even when no job changes.
    const bool running = !m_paused && m_counts.active() > 0;
    if (running && !m_clockTick.isActive())
        m_clockTick.start();
    else if (!running)
        m_clockTick.stop();
}

void MainWindow::onRunIdle()
{
    if (!m_runner->isIdle())
        return; // a retry got in first
    const StateCounts counts = m_runner->stateCounts();
    m_resultText = resultText(counts);
    updateTitle();
    m_alerts->runFinished(counts);
    if (m_runClock.isValid()) {
        m_status->showFinished(m_runClock.elapsed(), counts, m_runner->totalAttempts());
        m_runClock.invalidate();
    }
    if (!isActiveWindow())
        QApplication::alert(this);
    qCDebug(lcUi) << "run finished:" << m_resultText;
}

QString MainWindow::resultText(const StateCounts &counts)
{
    return tr("%1 succeeded, %2 failed, %3 cancelled")
        .arg(counts[int(JobState::Succeeded)])
        .arg(counts[int(JobState::Failed)])
        .arg(counts[int(JobState::Cancelled)]);
}

void MainWindow::onModelRefreshed()
{
    m_selectionDirty = true;
    // A small selection is summed up at once, so Retry and Cancel follow the
    // rows at once; a huge one waits for the next change of the counts.
    qsizetype rows = 0;
    const QItemSelection selection = m_table->selectionModel()->selection();
    for (const QItemSelectionRange &range : selection)
        rows += range.height();
    if (rows <= 1000)
        updateActions();
}

void MainWindow::onCurrentRowChanged()
{
    const QModelIndex current = m_table->selectionModel()->currentIndex();
    m_details->setJob(current.isValid() ? m_proxy->jobIdAt(current.row()) : 0);
}

void MainWindow::updateActions()
{
    m_selectionDirty = false;
    const SelectionSummary summary = summarizeSelection();
    m_actions->setSelection(summary.finished, summary.active);
}

MainWindow::SelectionSummary MainWindow::summarizeSelection() const
{
    SelectionSummary summary;
    const std::vector<int> rows = m_proxy->sourceRows(m_table->selectionModel()->selection());
    for (int row : rows) {
        if (isTerminal(m_model->state(row)))
            ++summary.finished;
        else
            ++summary.active;
    }
    return summary;
}

void MainWindow::updateTitle()
{
    // A run opened from its directory is known by its id; one loaded here
    // by its files.
    const bool opened = m_session->mode() == RunSession::Mode::Opened
        || m_session->mode() == RunSession::Mode::Following;
    const QString name = opened ? m_session->runId() : runName();
    QString title = name.isEmpty() ? QStringLiteral("Requeue")
                                   : QStringLiteral("%1 \u2014 Requeue").arg(name);
    if (!m_resultText.isEmpty())
        title = tr("Done: %1 \u2014 %2").arg(m_resultText, title);
    setWindowTitle(title);
}

void MainWindow::showLoadErrors(const QString &path, const QStringList &errors, int count,
                                bool countIsLowerBound)
{
    QStringList shown = errors.mid(0, MaxErrorsShown);
    if (errors.size() > MaxErrorsShown)
        shown << tr("... and %n more.", nullptr, int(errors.size() - MaxErrorsShown));
    // Past MaxJobFileErrors the reader lists no more, but counts them.
    const QString errorsText = count == 1 ? tr("1 error") : tr("%1 errors").arg(count);
    const QString total = countIsLowerBound
        ? tr("The job list has at least %1; no job was added.").arg(errorsText)
        : tr("The job list has %1; no job was added.").arg(errorsText);
    auto *box = new QMessageBox(QMessageBox::Warning, tr("Cannot load %1").arg(path), total,
                                QMessageBox::Ok, this);
    box->setObjectName(QStringLiteral("loadErrorBox"));
    box->setDetailedText(shown.join(QLatin1Char('\n')));
    box->setInformativeText(shown.mid(0, 5).join(QLatin1Char('\n')));
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();
}

void MainWindow::askToCancelAndQuit()
{
    auto *box = new QMessageBox(QMessageBox::Question, tr("Jobs are running"),
                                tr("Jobs are still running. Cancel them and quit?"),
                                QMessageBox::NoButton, this);
    box->setObjectName(QStringLiteral("quitBox"));
    QPushButton *quit = box->addButton(tr("Cancel Jobs and Quit"), QMessageBox::DestructiveRole);
    quit->setObjectName(QStringLiteral("quitButton"));
    box->addButton(tr("Keep Window"), QMessageBox::RejectRole)
        ->setObjectName(QStringLiteral("keepButton"));
    box->setAttribute(Qt::WA_DeleteOnClose);
    connect(box, &QMessageBox::buttonClicked, this, [this, quit](QAbstractButton *button) {
        if (button != quit)
            return;
        m_quitConfirmed = true;
        m_runner->cancelAll();
        close();
    });
    box->open();
}

} // namespace requeue
