// The window and run directories (RunSession through MainWindow): a run the
// window records, a finished run opened again and resumed, and a run that
// `requeue run` (the built executable, REQUEUE_BINARY) runs in another
// process, followed and steered from the window; and the window's own run
// steered by `requeue ctl`.
#include "common/privatestatehome.h"
#include "joblog.h"
#include "jobrunner.h"
#include "jobtablemodel.h"
#include "mainwindow.h"
#include "runcontrol.h"
#include "rundirectory.h"
#include "runhistory.h"
#include "runsession.h"
#include "runsettingswidget.h"
#include "slurmexecutor.h"

#include <QAction>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLocalSocket>
#include <QMessageBox>
#include <QProcess>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QThreadPool>

#include <csignal>
#include <memory>

using namespace requeue;
using namespace std::chrono_literals;

namespace {

QAction *action(MainWindow &window, const char *name)
{
    auto *found = window.findChild<QAction *>(QString::fromLatin1(name));
    Q_ASSERT(found);
    return found;
}

// The runner's job with `seq`, or 0.
JobId jobWithSeq(JobRunner *runner, int seq)
{
    for (const JobSnapshot &job : runner->snapshots(runner->jobIds())) {
        if (job.seq == seq)
            return job.id;
    }
    return 0;
}

// A JSON job list: each job a command and its max_attempts.
QByteArray jsonList(const QList<std::pair<QString, int>> &jobs)
{
    QJsonArray array;
    for (const auto &[command, attempts] : jobs)
        array.append(QJsonObject {{QStringLiteral("command"), command},
                                  {QStringLiteral("max_attempts"), attempts}});
    return QJsonDocument(QJsonObject {{QStringLiteral("jobs"), array}}).toJson();
}

// Fails with exit 4 the first time (it leaves `marker` behind), then succeeds.
QString failsOnce(const QString &marker)
{
    return QStringLiteral("test -e %1 || { touch %1; exit 4; }").arg(marker);
}

JobState stateOf(JobRunner *runner, int seq)
{
    return runner->snapshot(jobWithSeq(runner, seq)).state;
}

// Runs `requeue ctl DIR words...` while this thread's event loop goes on (the
// window in it answers); its exit code, or -1 if it did not end in time.
int ctl(const QString &dir, const QStringList &words)
{
    QProcess process;
    QSignalSpy finished(&process, &QProcess::finished);
    process.start(qEnvironmentVariable("REQUEUE_BINARY"),
                  QStringList {QStringLiteral("ctl"), dir} + words);
    if (!finished.wait(20'000)) {
        process.kill();
        process.waitForFinished(10'000);
        return -1;
    }
    return process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
}

// One raw line to the control socket of the run in `dir`; the reply line.
QByteArray sendRawLine(const QString &dir, const QByteArray &line)
{
    QLocalSocket socket;
    socket.connectToServer(controlSocketPath(dir));
    if (!QTest::qWaitFor([&] { return socket.state() == QLocalSocket::ConnectedState; }, 10'000))
        return {};
    socket.write(line);
    if (!QTest::qWaitFor([&] { return socket.canReadLine(); }, 10'000))
        return {};
    return socket.readLine();
}

// The run's journal, one object per line.
QList<QJsonObject> journal(const QString &dir)
{
    QList<QJsonObject> events;
    QFile file(dir + QLatin1Char('/') + QLatin1String(RunDirectory::EventsFile));
    if (!file.open(QIODevice::ReadOnly))
        return events;
    while (!file.atEnd())
        events.append(QJsonDocument::fromJson(file.readLine()).object());
    return events;
}

// "seq/attempt" of the journal's `ev` lines.
QStringList attemptsIn(const QList<QJsonObject> &events, const QString &ev)
{
    QStringList attempts;
    for (const QJsonObject &event : events) {
        if (event.value(QStringLiteral("ev")).toString() == ev)
            attempts.append(QStringLiteral("%1/%2")
                                .arg(event.value(QStringLiteral("seq")).toInt())
                                .arg(event.value(QStringLiteral("attempt")).toInt()));
    }
    attempts.sort();
    return attempts;
}

QStringList actionNames(const RunHistory &history)
{
    QStringList names;
    for (const RunAction &done : history.actions)
        names.append(done.action);
    return names;
}

} // namespace

class tst_RunSession : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();
    void windowRecordsItsRun();
    void finishedRunOpensAndResumes();
    void brokenRunSaysWhy();
    void slurmRunResumesOnSlurm_data();
    void slurmRunResumesOnSlurm();
    void oldRunsArePruned();
    void liveRunIsFollowedAndSteered();
    void windowRunIsSteeredByCtl();
    void closedWindowDrainsItsRun();
    void replacedRunEndsAfterItsAttempts();

private:
    QString writeList(const QByteArray &text);
    QStringList recordedRuns() const;
    // Runs `list` in a window until every job has ended; returns its run.
    QString recordARun(const QByteArray &list);

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<test::PrivateStateHome> m_stateHome;
    std::unique_ptr<QProcess> m_headless;
};

void tst_RunSession::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("RequeueTest"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_runsession"));
}

void tst_RunSession::init()
{
    QSettings().clear();
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_stateHome = std::make_unique<test::PrivateStateHome>();
    QVERIFY(m_stateHome->isValid());
}

void tst_RunSession::cleanup()
{
    if (m_headless && m_headless->state() != QProcess::NotRunning) {
        ::kill(pid_t(m_headless->processId()), SIGKILL);
        m_headless->waitForFinished(10'000);
    }
    m_headless.reset();
    QThreadPool::globalInstance()->waitForDone(10'000); // the window's pruning of old runs
    m_stateHome.reset();
    m_dir.reset();
}

QString tst_RunSession::writeList(const QByteArray &text)
{
    const QString path = m_dir->filePath(QStringLiteral("jobs.json"));
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(text) != text.size())
        qFatal("cannot write %s", qPrintable(path));
    return path;
}

QStringList tst_RunSession::recordedRuns() const
{
    QStringList dirs;
    const QDir root(m_stateHome->runsRoot());
    for (const QString &name : root.entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name))
        dirs.append(root.absoluteFilePath(name));
    return dirs;
}

QString tst_RunSession::recordARun(const QByteArray &list)
{
    MainWindow window;
    if (!window.loadFile(writeList(list)))
        return {};
    action(window, "actionStartPause")->trigger();
    JobRunner *runner = window.runner();
    if (!QTest::qWaitFor([&] { return runner->isIdle(); }, 20'000))
        return {};
    return window.session()->directory();
}

// Start records the run: run.json, the journal, the joblog and each
// attempt's output in a directory of its own; live while the window has it,
// ended ("closed") once the window goes.
void tst_RunSession::windowRecordsItsRun()
{
    auto window = std::make_unique<MainWindow>();
    window->loadFile(
        writeList(jsonList({{QStringLiteral("echo hello"), 1}, {QStringLiteral("exit 3"), 2}})));
    QCOMPARE(window->session()->mode(), RunSession::Mode::None);
    action(*window, "actionStartPause")->trigger();
    QCOMPARE(window->session()->mode(), RunSession::Mode::Recording);
    JobRunner *runner = window->runner();
    QTRY_VERIFY_WITH_TIMEOUT(runner->isIdle(), 20'000);
    const QString dir = window->session()->directory();
    QVERIFY(RunDirectory::isLive(dir));
    QVERIFY(window->findChild<QLabel *>(QStringLiteral("runLabel"))
                ->text()
                .contains(QFileInfo(dir).fileName()));
    QCOMPARE(runner->outputPath(jobWithSeq(runner, 1), 1, OutputStream::Stdout),
             dir + QStringLiteral("/out/1/1/stdout"));
    window.reset();

    QCOMPARE(recordedRuns(), QStringList {dir});
    QCOMPARE(QFile::permissions(dir) & QFileDevice::ReadOther, QFileDevice::Permissions());
    const RunHistory history = readRunDirectory(dir);
    QCOMPARE(history.status, RunHistory::Status::Finished);
    QCOMPARE(history.segments.constLast().how, QStringLiteral("closed"));
    QCOMPARE(history.jobs.size(), 2);
    QCOMPARE(history.jobs[0].state, JobState::Succeeded);
    QCOMPARE(history.jobs[1].state, JobState::Failed);
    QCOMPARE(history.jobs[1].attempts, 2);
    QFile out(history.jobs[0].history[0].stdoutPath);
    QVERIFY(out.open(QIODevice::ReadOnly));
    QCOMPARE(out.readAll(), QByteArray("hello\n"));
    QVERIFY(history.errors.isEmpty());
}

// A finished run opens with its history and runs nothing until Resume; then
// the jobs that did not succeed run again in the same directory, their
// attempts numbered on.
void tst_RunSession::finishedRunOpensAndResumes()
{
    const QString marker = m_dir->filePath(QStringLiteral("second-time"));
    const QString dir = recordARun(jsonList(
        {{QStringLiteral("true"), 1}, {failsOnce(marker), 1}, {QStringLiteral("exit 5"), 1}}));
    QVERIFY(!dir.isEmpty());

    MainWindow window;
    QVERIFY(window.openRun(dir));
    JobRunner *runner = window.runner();
    QCOMPARE(window.session()->mode(), RunSession::Mode::Opened);
    QCOMPARE(window.model()->rowCount(), 3);
    QCOMPARE(stateOf(runner, 1), JobState::Succeeded);
    QCOMPARE(stateOf(runner, 3), JobState::Failed);
    QCOMPARE(runner->totalAttempts(), 3);
    const JobSnapshot second = runner->snapshot(jobWithSeq(runner, 2), true);
    QCOMPARE(second.state, JobState::Failed);
    QCOMPARE(second.history.size(), 1);
    QCOMPARE(second.history[0].exitCode, 4);
    QCOMPARE(runner->outputPath(second.id, 1, OutputStream::Stderr),
             dir + QStringLiteral("/out/2/1/stderr"));
    QVERIFY(window.windowTitle().contains(QFileInfo(dir).fileName()));
    QCOMPARE(action(window, "actionStartPause")->text(), QStringLiteral("&Resume"));
    QVERIFY(runner->isPaused());
    QCoreApplication::processEvents();
    QCOMPARE(runner->totalAttempts(), 3); // nothing ran

    action(window, "actionStartPause")->trigger();
    QCOMPARE(window.session()->mode(), RunSession::Mode::Recording);
    QTRY_VERIFY_WITH_TIMEOUT(runner->isIdle(), 20'000);
    QCOMPARE(runner->snapshot(jobWithSeq(runner, 1)).attempts, 1); // it had succeeded
    QCOMPARE(runner->snapshot(jobWithSeq(runner, 3)).lastAttempt.number, 2);
    QCOMPARE(stateOf(runner, 2), JobState::Succeeded);
    window.session()->close(QStringLiteral("finished"));

    const RunHistory history = readRunDirectory(dir);
    QCOMPARE(history.segments.size(), 2);
    QVERIFY(history.segments[1].resumed);
    QCOMPARE(history.jobs[2].state, JobState::Failed);
    QCOMPARE(history.jobs[2].attempts, 2);
    QCOMPARE(history.jobs[1].state, JobState::Succeeded);
    QCOMPARE(history.jobs[1].attempts, 2);
    QVERIFY(history.errors.isEmpty());
}

// "Keep runs: 1": the next run's Start removes all but the newest finished
// run; the live one is neither removed nor counted.
void tst_RunSession::oldRunsArePruned()
{
    QSettings().setValue(QStringLiteral("run/keepRuns"), 1);
    const QByteArray list = jsonList({{QStringLiteral("true"), 1}});
    const QString first = recordARun(list);
    const QString second = recordARun(list);
    QVERIFY(!first.isEmpty() && !second.isEmpty());
    QCOMPARE(recordedRuns().size(), 2);

    MainWindow window;
    QCOMPARE(window.runSettings().keepRuns, 1);
    window.loadFile(writeList(list));
    action(window, "actionStartPause")->trigger();
    const QString live = window.session()->directory();
    QTRY_COMPARE_WITH_TIMEOUT(recordedRuns(), (QStringList {second, live}), 10'000);
}

// A run recorded on Slurm is resumed on Slurm, polled as often as it was:
// opening it sets the backend and the poll interval, whether the window ran
// on this computer or on Slurm with its own interval (nothing is submitted
// until Resume).
void tst_RunSession::slurmRunResumesOnSlurm_data()
{
    QTest::addColumn<QString>("windowBackend");
    QTest::newRow("window on this computer") << QStringLiteral("local");
    QTest::newRow("window on Slurm") << QStringLiteral("slurm");
}

void tst_RunSession::slurmRunResumesOnSlurm()
{
    QFETCH(QString, windowBackend);
    const QString dir = recordARun(jsonList({{QStringLiteral("exit 1"), 1}}));
    QVERIFY(!dir.isEmpty());
    QFile info(dir + QStringLiteral("/run.json"));
    QVERIFY(info.open(QIODevice::ReadOnly));
    QJsonObject object = QJsonDocument::fromJson(info.readAll()).object();
    info.close();
    object.insert(QStringLiteral("backend"), QStringLiteral("slurm"));
    QJsonObject options = object.value(QStringLiteral("options")).toObject();
    options.insert(QStringLiteral("poll_ms"), 700); // as `requeue run --poll 700ms` says
    object.insert(QStringLiteral("options"), options);
    QVERIFY(info.open(QIODevice::WriteOnly | QIODevice::Truncate));
    info.write(QJsonDocument(object).toJson());
    info.close();

    QSettings().setValue(QStringLiteral("run/backend"), windowBackend);
    MainWindow window;
    QCOMPARE(window.slurmExecutor() != nullptr, windowBackend == QLatin1String("slurm"));
    QCOMPARE(window.runSettings().slurmPoll, 5000ms);
    QVERIFY(window.openRun(dir));
    QCOMPARE(window.runSettings().backend, RunSettings::Backend::Slurm);
    QVERIFY(!window.table()->isColumnHidden(JobTableModel::ClusterJobColumn));
    QCOMPARE(window.runSettings().slurmPoll, 700ms);
    QCOMPARE(window.runSettingsWidget()->settings().slurmPoll, 700ms);
    QVERIFY(window.slurmExecutor());
    QCOMPARE(window.slurmExecutor()->pollInterval(), 700ms);
}

void tst_RunSession::brokenRunSaysWhy()
{
    MainWindow window;
    QVERIFY(!window.openRun(m_dir->path()));
    QCOMPARE(window.session()->mode(), RunSession::Mode::None);
    QTRY_VERIFY(window.findChild<QWidget *>(QStringLiteral("openRunBox")));
}

// `requeue run` in "a terminal"; the window opens its run live, sees its
// attempts, and its retry, cancel and pause reach the process, which
// journals them; when the process ends, the run is shown as it ended.
void tst_RunSession::liveRunIsFollowedAndSteered()
{
    const QString marker = m_dir->filePath(QStringLiteral("tried"));
    writeList(jsonList({{QStringLiteral("sleep 60"), 1},
                        {failsOnce(marker), 1},
                        {QStringLiteral("sleep 60"), 1}}));
    const QString runDir = m_dir->filePath(QStringLiteral("run"));
    m_headless = std::make_unique<QProcess>();
    m_headless->setWorkingDirectory(m_dir->path());
    m_headless->start(qEnvironmentVariable("REQUEUE_BINARY"),
                      {QStringLiteral("run"), QStringLiteral("-j"), QStringLiteral("3"),
                       QStringLiteral("--run-dir"), runDir, QStringLiteral("jobs.json")});
    QTRY_VERIFY_WITH_TIMEOUT(QFileInfo::exists(runDir + QStringLiteral("/control")), 10'000);

    MainWindow window;
    QVERIFY(window.openRun(runDir));
    JobRunner *runner = window.runner();
    QCOMPARE(window.session()->mode(), RunSession::Mode::Following);
    QVERIFY(window.findChild<QLabel *>(QStringLiteral("runLabel"))
                ->text()
                .contains(QStringLiteral("live")));
    QTRY_COMPARE_WITH_TIMEOUT(stateOf(runner, 2), JobState::Failed, 10'000);
    QTRY_COMPARE_WITH_TIMEOUT(stateOf(runner, 1), JobState::Running, 10'000);

    window.selectJobs({jobWithSeq(runner, 2)});
    action(window, "actionRetry")->trigger();
    QTRY_COMPARE_WITH_TIMEOUT(stateOf(runner, 2), JobState::Succeeded, 10'000);
    QCOMPARE(runner->snapshot(jobWithSeq(runner, 2)).attempts, 2);

    window.findChild<QSpinBox *>(QStringLiteral("workersSpin"))->setValue(5);
    QTRY_COMPARE_WITH_TIMEOUT(readRunDirectory(runDir).actions.size(), 2, 10'000);
    QCOMPARE(readRunDirectory(runDir).actions.constLast().action, QStringLiteral("workers"));
    QCOMPARE(readRunDirectory(runDir).actions.constLast().n, 5);
    // Workers set from a terminal: the window's settings follow the run.
    QCOMPARE(ctl(runDir, {QStringLiteral("workers"), QStringLiteral("4")}), 0);
    QTRY_COMPARE_WITH_TIMEOUT(window.findChild<QSpinBox *>(QStringLiteral("workersSpin"))->value(),
                              4, 10'000);
    QCOMPARE(window.session()->workers(), 4);

    action(window, "actionStartPause")->trigger(); // Pause, in the other process
    QTRY_COMPARE_WITH_TIMEOUT(action(window, "actionStartPause")->text(), QStringLiteral("&Resume"),
                              10'000);
    window.selectJobs({jobWithSeq(runner, 1)});
    action(window, "actionCancel")->trigger();
    QTRY_COMPARE_WITH_TIMEOUT(stateOf(runner, 1), JobState::Cancelled, 10'000);
    QVERIFY(runner->isPaused()); // the window's own runner never ran a thing

    window.selectJobs({jobWithSeq(runner, 3)});
    action(window, "actionCancel")->trigger();
    // The last job ended: so does the run (its QProcess may have noticed already).
    QTRY_COMPARE_WITH_TIMEOUT(m_headless->state(), QProcess::NotRunning, 20'000);
    QTRY_COMPARE_WITH_TIMEOUT(window.session()->mode(), RunSession::Mode::Opened, 10'000);
    QCOMPARE(stateOf(window.runner(), 2), JobState::Succeeded);

    const RunHistory history = readRunDirectory(runDir);
    QCOMPARE(actionNames(history),
             (QStringList {QStringLiteral("retry"), QStringLiteral("workers"),
                           QStringLiteral("workers"), QStringLiteral("pause"),
                           QStringLiteral("cancel"), QStringLiteral("cancel")}));
    QCOMPARE(history.jobs[1].history.size(), 2); // the journal has the retry
    const Joblog joblog = readJoblog(runDir + QStringLiteral("/joblog"));
    QCOMPARE(joblog.jobs.value(2).attempts, 2); // and so has the run's joblog
    QVERIFY(joblog.jobs.value(2).succeeded);
    QCOMPARE(joblog.jobs.value(1).lastSignal, SIGTERM); // cancelled from the window
}

// The window serves its own run's control socket as `requeue run` does:
// `requeue ctl` retries, cancels, pauses and sets the workers of the run the
// window runs, the window shows it, and the run's journal records it. A bad
// request changes nothing.
void tst_RunSession::windowRunIsSteeredByCtl()
{
    const QString marker = m_dir->filePath(QStringLiteral("tried"));
    MainWindow window;
    QVERIFY(window.loadFile(writeList(jsonList({{QStringLiteral("sleep 60"), 1},
                                                {failsOnce(marker), 1},
                                                {QStringLiteral("sleep 60"), 1}}))));
    window.findChild<QSpinBox *>(QStringLiteral("workersSpin"))->setValue(3);
    action(window, "actionStartPause")->trigger();
    const QString dir = window.session()->directory();
    JobRunner *runner = window.runner();
    const QFileInfo socket(controlSocketPath(dir));
    QVERIFY(socket.exists());
    QCOMPARE(socket.permissions() & ~(QFileDevice::ReadUser | QFileDevice::WriteUser),
             QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    QTRY_COMPARE_WITH_TIMEOUT(stateOf(runner, 2), JobState::Failed, 10'000);
    QTRY_COMPARE_WITH_TIMEOUT(stateOf(runner, 1), JobState::Running, 10'000);

    QCOMPARE(ctl(dir, {QStringLiteral("retry"), QStringLiteral("2")}), 0);
    QTRY_COMPARE_WITH_TIMEOUT(stateOf(runner, 2), JobState::Succeeded, 10'000);
    QCOMPARE(runner->snapshot(jobWithSeq(runner, 2)).attempts, 2);

    QCOMPARE(ctl(dir, {QStringLiteral("workers"), QStringLiteral("2")}), 0);
    QCOMPARE(runner->maxWorkers(), 2);
    QCOMPARE(window.findChild<QSpinBox *>(QStringLiteral("workersSpin"))->value(), 2);

    QCOMPARE(ctl(dir, {QStringLiteral("pause")}), 0);
    QVERIFY(runner->isPaused());
    QTRY_COMPARE(action(window, "actionStartPause")->text(), QStringLiteral("&Resume"));
    QCOMPARE(ctl(dir, {QStringLiteral("cancel"), QStringLiteral("1")}), 0);
    QTRY_COMPARE_WITH_TIMEOUT(stateOf(runner, 1), JobState::Cancelled, 10'000);
    QCOMPARE(ctl(dir, {QStringLiteral("resume")}), 0);
    QVERIFY(!runner->isPaused());
    QTRY_COMPARE(action(window, "actionStartPause")->text(), QStringLiteral("&Pause"));

    // Refused, and nothing changes: an unknown job, a line that is no request.
    QCOMPARE(ctl(dir, {QStringLiteral("cancel"), QStringLiteral("3"), QStringLiteral("9")}), 1);
    const QJsonObject refused
        = QJsonDocument::fromJson(sendRawLine(dir, "{\"command\":\"workers\",\"n\":0}\n")).object();
    QCOMPARE(refused.value(QStringLiteral("ok")), QJsonValue(false));
    QVERIFY(!refused.value(QStringLiteral("error")).toString().isEmpty());
    QCOMPARE(runner->maxWorkers(), 2);
    QCOMPARE(stateOf(runner, 3), JobState::Running);

    QCOMPARE(ctl(dir, {QStringLiteral("cancel-all")}), 0);
    QTRY_VERIFY_WITH_TIMEOUT(runner->isIdle(), 10'000);
    QCOMPARE(stateOf(runner, 3), JobState::Cancelled);
    window.session()->close(QStringLiteral("finished"));
    QVERIFY(!QFileInfo::exists(socket.filePath()));

    const RunHistory history = readRunDirectory(dir);
    QCOMPARE(actionNames(history),
             (QStringList {QStringLiteral("retry"), QStringLiteral("workers"),
                           QStringLiteral("pause"), QStringLiteral("cancel"),
                           QStringLiteral("resume"), QStringLiteral("cancel-all")}));
    QCOMPARE(history.actions[0].seqs, QList<int> {2});
    QCOMPARE(history.actions[1].n, 2);
    QCOMPARE(history.jobs[1].history.size(), 2);
    QCOMPARE(history.jobs[0].state, JobState::Cancelled);
    QVERIFY(history.errors.isEmpty());
}

// Closed while its jobs run, the window cancels them, and its run's journal
// has every started attempt's end before the run's own: the window's runner
// has drained before the session ends the journal.
void tst_RunSession::closedWindowDrainsItsRun()
{
    // Each job takes a second to end once cancelled (within the runner's
    // grace period before SIGKILL): the window goes long before that.
    const QString slowToEnd = QStringLiteral("trap 'sleep 1; exit 3' TERM; sleep 60 & wait");
    auto window = std::make_unique<MainWindow>();
    QVERIFY(
        window->loadFile(writeList(jsonList({{slowToEnd, 1}, {slowToEnd, 1}, {slowToEnd, 1}}))));
    window->findChild<QSpinBox *>(QStringLiteral("workersSpin"))->setValue(3);
    window->show();
    action(*window, "actionStartPause")->trigger();
    const QString dir = window->session()->directory();
    QTRY_COMPARE_WITH_TIMEOUT(attemptsIn(journal(dir), QStringLiteral("started")).size(), 3,
                              10'000);

    QVERIFY(!window->close());
    QMessageBox *box = nullptr;
    QTRY_VERIFY((box = window->findChild<QMessageBox *>(QStringLiteral("quitBox"))));
    box->findChild<QPushButton *>(QStringLiteral("quitButton"))->click();
    QVERIFY(!window->isVisible());
    window.reset(); // at once: the attempts are still being cancelled

    const QList<QJsonObject> events = journal(dir);
    QCOMPARE(attemptsIn(events, QStringLiteral("finished")),
             attemptsIn(events, QStringLiteral("started")));
    QCOMPARE(events.constLast().value(QStringLiteral("ev")).toString(),
             QStringLiteral("run-ended"));
    QCOMPARE(events.constLast().value(QStringLiteral("how")).toString(), QStringLiteral("closed"));
    const RunHistory history = readRunDirectory(dir);
    QCOMPARE(history.jobs.size(), 3);
    for (const auto &job : history.jobs) {
        QCOMPARE(job.state, JobState::Cancelled);
        QCOMPARE(job.history.size(), 1);
    }
}

// Bug: loading a list while the run's jobs ran ended the run's journal at
// once, before the cancelled attempts had ended: their end records came
// after the run's own, or were lost. Now the window goes on with the new
// list at once, the old run's journal ends once its attempts have, and
// neither run's journal has the other's jobs, although both are in the one
// runner for a while (the new run starts while the old attempts end).
void tst_RunSession::replacedRunEndsAfterItsAttempts()
{
    // Each job takes 1.5 s to end once cancelled (within the runner's grace
    // period before SIGKILL), once it has said so; the fourth waits for a
    // worker.
    const QString slowToEnd
        = QStringLiteral("trap 'sleep 1.5; exit 3' TERM; echo ready; sleep 60 & wait");
    MainWindow window;
    QVERIFY(window.loadFile(
        writeList(jsonList({{slowToEnd, 1}, {slowToEnd, 1}, {slowToEnd, 1}, {slowToEnd, 1}}))));
    window.findChild<QSpinBox *>(QStringLiteral("workersSpin"))->setValue(3);
    window.show();
    action(window, "actionStartPause")->trigger();
    const QString oldDir = window.session()->directory();
    const auto ready = [&oldDir] {
        for (int seq = 1; seq <= 3; ++seq) {
            QFile out(QStringLiteral("%1/out/%2/1/stdout").arg(oldDir).arg(seq));
            if (!out.open(QIODevice::ReadOnly) || !out.readAll().contains("ready"))
                return false;
        }
        return true;
    };
    QTRY_VERIFY_WITH_TIMEOUT(ready(), 20'000);

    QVERIFY(window.loadFile(writeList(jsonList({{QStringLiteral("echo new"), 1}})),
                            MainWindow::LoadMode::Replace));
    action(window, "actionStartPause")->trigger();
    // The window did not wait for the old attempts to end.
    QVERIFY(attemptsIn(journal(oldDir), QStringLiteral("finished")).isEmpty());
    QVERIFY(RunDirectory::isLive(oldDir));
    const QString newDir = window.session()->directory();
    QVERIFY(newDir != oldDir);
    QCOMPARE(window.session()->mode(), RunSession::Mode::Recording);

    QTRY_VERIFY_WITH_TIMEOUT(readRunDirectory(oldDir).status == RunHistory::Status::Finished,
                             20'000);
    const QList<QJsonObject> events = journal(oldDir);
    QCOMPARE(attemptsIn(events, QStringLiteral("started")),
             QStringList({QStringLiteral("1/1"), QStringLiteral("2/1"), QStringLiteral("3/1")}));
    QCOMPARE(attemptsIn(events, QStringLiteral("finished")),
             attemptsIn(events, QStringLiteral("started")));
    QCOMPARE(events.constLast().value(QStringLiteral("ev")).toString(),
             QStringLiteral("run-ended"));
    QCOMPARE(events.constLast().value(QStringLiteral("how")).toString(),
             QStringLiteral("replaced"));
    const RunHistory old = readRunDirectory(oldDir);
    QVERIFY(old.errors.isEmpty());
    QCOMPARE(old.jobs.size(), 4);
    for (int i = 0; i < 3; ++i) {
        QCOMPARE(old.jobs[i].state, JobState::Cancelled);
        QCOMPARE(old.jobs[i].history.size(), 1);
        QVERIFY(old.jobs[i].history[0].finished);
        QCOMPARE(old.jobs[i].history[0].record.outcome, AttemptOutcome::Cancelled);
    }
    QCOMPARE(old.jobs[3].history.size(), 0); // never started

    JobRunner *runner = window.runner();
    QTRY_VERIFY_WITH_TIMEOUT(runner->isIdle(), 20'000);
    QTRY_COMPARE(runner->jobCount(), 1); // the old jobs left the runner as they ended
    QTRY_COMPARE_WITH_TIMEOUT(attemptsIn(journal(newDir), QStringLiteral("finished")),
                              QStringList {QStringLiteral("1/1")}, 10'000);
    QCOMPARE(attemptsIn(journal(newDir), QStringLiteral("started")),
             QStringList {QStringLiteral("1/1")});
    const RunHistory current = readRunDirectory(newDir);
    QCOMPARE(current.status, RunHistory::Status::Running);
    QCOMPARE(current.jobs.size(), 1);
    QCOMPARE(current.jobs[0].state, JobState::Succeeded);
}

QTEST_MAIN(tst_RunSession)
#include "tst_runsession.moc"
