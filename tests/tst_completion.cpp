// The shell completions in resources/completion/ against the built
// executable (REQUEUE_BINARY). Bash: the completion function runs in a bash
// that sourced it, with COMP_WORDS split the way readline splits a line
// (at spaces, '=' and ':'), in a folder of sample job lists. Fish: its own
// `complete -C`. Zsh: the file parses and names every option --help prints.
#include "common/helptext.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace requeue::test;

namespace {

QString completionFile(const char *name)
{
    return QStringLiteral(REQUEUE_COMPLETION_DIR "/") + QLatin1String(name);
}

struct Shell
{
    int exitCode = -1;
    QStringList lines;
    QString err;
};

Shell runShell(const QString &program, const QStringList &arguments, const QString &cwd)
{
    QProcess process;
    process.setWorkingDirectory(cwd);
    process.start(program, arguments);
    Shell result;
    if (!process.waitForFinished(30000)) {
        result.err = process.errorString();
        return result;
    }
    result.exitCode = process.exitCode();
    result.err = QString::fromLocal8Bit(process.readAllStandardError());
    result.lines = QString::fromLocal8Bit(process.readAllStandardOutput())
                       .split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    return result;
}

// What bash's completion function puts in COMPREPLY for `words`, the last
// one being completed.
Shell bashComplete(const QStringList &words, const QString &cwd)
{
    const QString script
        = QStringLiteral("source \"$0\" || exit 3; COMP_WORDS=(\"$@\"); COMP_CWORD=$(($# - 1)); "
                         "_requeue; printf '%s\\n' \"${COMPREPLY[@]}\"");
    return runShell(QStringLiteral("bash"),
                    QStringList {QStringLiteral("--norc"), QStringLiteral("--noprofile"),
                                 QStringLiteral("-c"), script, completionFile("requeue.bash")}
                        + words,
                    cwd);
}

OptionSet toSet(const QStringList &lines)
{
    return OptionSet(lines.begin(), lines.end());
}

QString helpFor(const QString &command)
{
    QString failure;
    const auto help
        = requeueOutput(command.isEmpty() ? QStringList {QStringLiteral("--help")}
                                          : QStringList {command, QStringLiteral("--help")},
                        &failure);
    return help ? *help : failure;
}

} // namespace

class TestCompletion : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void bashCommands();
    void bashOptions_data();
    void bashOptions();
    void bashValues_data();
    void bashValues();
    void fishOptions_data();
    void fishOptions();
    void zshOptions_data();
    void zshOptions();

private:
    void addCommandRows();

    QTemporaryDir m_dir;
    QString m_files; // a folder with job lists, a joblog and a subfolder
    QString m_empty; // an empty folder
    QStringList m_commands;
};

void TestCompletion::initTestCase()
{
    if (QStandardPaths::findExecutable(QStringLiteral("bash")).isEmpty())
        QSKIP("bash is not installed");
    QVERIFY(m_dir.isValid());
    m_files = m_dir.filePath(QStringLiteral("files"));
    m_empty = m_dir.filePath(QStringLiteral("empty"));
    QVERIFY(QDir().mkpath(m_files + QLatin1String("/out")));
    QVERIFY(QDir().mkpath(m_empty));
    for (const char *name : {"jobs.txt", "jobs.json", "jobs.log"}) {
        QFile file(m_files + QLatin1Char('/') + QLatin1String(name));
        QVERIFY(file.open(QIODevice::WriteOnly));
    }
    const QString help = helpFor(QString());
    m_commands = helpCommands(help);
    QVERIFY2(m_commands.contains(QLatin1String("run")), qPrintable(help));
}

// In an empty folder, the first word is one of the commands --help lists.
void TestCompletion::bashCommands()
{
    const Shell shell = bashComplete({QStringLiteral("requeue"), QString()}, m_empty);
    QVERIFY2(shell.exitCode == 0, qPrintable(shell.err));
    QCOMPARE(sorted(toSet(shell.lines)), sorted(toSet(m_commands)));
}

void TestCompletion::addCommandRows()
{
    QTest::addColumn<QString>("command");
    QTest::newRow("requeue") << QString();
    for (const QString &command : std::as_const(m_commands))
        QTest::newRow(qPrintable(QLatin1String("requeue ") + command)) << command;
}

void TestCompletion::bashOptions_data()
{
    addCommandRows();
}

// "-" completes to exactly the options --help prints.
void TestCompletion::bashOptions()
{
    QFETCH(QString, command);
    QStringList words {QStringLiteral("requeue")};
    if (!command.isEmpty())
        words << command;
    const Shell shell = bashComplete(words << QStringLiteral("-"), m_files);
    QVERIFY2(shell.exitCode == 0, qPrintable(shell.err));
    const QString help = helpFor(command);
    QCOMPARE(sorted(toSet(shell.lines)), sorted(helpOptions(help)));
}

void TestCompletion::bashValues_data()
{
    QTest::addColumn<QString>("line"); // words as readline splits them, '|' between
    QTest::addColumn<QStringList>("expected");
    QTest::addColumn<bool>("exact"); // else: `expected` is contained
    const auto words = [](const char *text) {
        return QString::fromLatin1(text);
    };
    const auto list = [](const char *text) {
        return QString::fromLatin1(text).split(QLatin1Char(' '), Qt::SkipEmptyParts);
    };
    QTest::newRow("command prefix") << words("requeue|r") << list("report resume run runs") << true;
    QTest::newRow("window: job lists")
        << words("requeue|") << list("run jobs.txt jobs.json out") << false;
    QTest::newRow("run: job lists")
        << words("requeue|run|-q|") << list("jobs.txt jobs.json jobs.log out") << true;
    QTest::newRow("run: option prefix")
        << words("requeue|run|--res") << list("--resume --resume-failed --results") << true;
    QTest::newRow("backoff") << words("requeue|run|--backoff|")
                             << list("none fixed:1s exp:100ms:30s") << false;
    // Readline replaces only what follows the ':'.
    QTest::newRow("backoff after colon")
        << words("requeue|run|--backoff|exp|:|") << list("100ms:30s 1s:5m") << false;
    QTest::newRow("timeout: durations")
        << words("requeue|run|--timeout|") << list("250ms 30s 5m 1h") << false;
    QTest::newRow("deadline: durations")
        << words("requeue|run|--deadline|1") << list("1m 1h") << false;
    QTest::newRow("jobs=") << words("requeue|run|--jobs|=|") << list("1 2 4") << false;
    QTest::newRow("max-attempts") << words("requeue|run|--max-attempts|") << list("0 3") << false;
    QTest::newRow("joblog: files")
        << words("requeue|run|--joblog|jobs.l") << list("jobs.log") << true;
    QTest::newRow("report: joblogs") << words("requeue|report|jobs.l") << list("jobs.log") << true;
    QTest::newRow("results: folders") << words("requeue|run|--results|") << list("out") << true;
    QTest::newRow("summary-json: files")
        << words("requeue|run|--summary-json|jobs.j") << list("jobs.json") << true;
}

void TestCompletion::bashValues()
{
    QFETCH(QString, line);
    QFETCH(QStringList, expected);
    QFETCH(bool, exact);
    const Shell shell = bashComplete(line.split(QLatin1Char('|')), m_files);
    QVERIFY2(shell.exitCode == 0, qPrintable(shell.err));
    const OptionSet got = toSet(shell.lines);
    if (exact)
        QCOMPARE(sorted(got), sorted(toSet(expected)));
    else
        QVERIFY2(got.contains(toSet(expected)), qPrintable(sorted(got)));
}

void TestCompletion::fishOptions_data()
{
    addCommandRows();
}

// fish's own completer, asked for "-", gives exactly the options of --help.
void TestCompletion::fishOptions()
{
    QFETCH(QString, command);
    if (QStandardPaths::findExecutable(QStringLiteral("fish")).isEmpty())
        QSKIP("fish is not installed (package fish)");
    const QString line = command.isEmpty() ? QStringLiteral("requeue -")
                                           : QStringLiteral("requeue %1 -").arg(command);
    const Shell shell = runShell(QStringLiteral("fish"),
                                 {QStringLiteral("--no-config"), QStringLiteral("-c"),
                                  QStringLiteral("source $argv[1]; and complete -C $argv[2]"),
                                  completionFile("requeue.fish"), line},
                                 m_files);
    QVERIFY2(shell.exitCode == 0, qPrintable(shell.err));
    OptionSet got;
    for (const QString &completion : shell.lines)
        got.insert(completion.section(QLatin1Char('\t'), 0, 0));
    QCOMPARE(sorted(got), sorted(helpOptions(helpFor(command))));
}

void TestCompletion::zshOptions_data()
{
    addCommandRows();
}

// zsh needs a terminal to complete; short of that, the file parses and the
// function of each command names every option of its --help.
void TestCompletion::zshOptions()
{
    QFETCH(QString, command);
    if (QStandardPaths::findExecutable(QStringLiteral("zsh")).isEmpty())
        QSKIP("zsh is not installed (package zsh)");
    const QString path = completionFile("_requeue");
    const Shell syntax = runShell(QStringLiteral("zsh"), {QStringLiteral("-n"), path}, m_empty);
    QVERIFY2(syntax.exitCode == 0, qPrintable(syntax.err));

    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QString text = QString::fromUtf8(file.readAll());
    const QString function = command.isEmpty()
        ? QStringLiteral("_requeue() {")
        : QStringLiteral("_requeue_%1() {")
              .arg(QString(command).replace(QLatin1Char('-'), QLatin1Char('_')));
    const qsizetype start = text.indexOf(function);
    QVERIFY2(start >= 0, qPrintable(function));
    const QString body = text.mid(start, text.indexOf(QLatin1String("\n}"), start) - start);
    OptionSet missing;
    for (const QString &option : helpOptions(helpFor(command))) {
        QString name = QRegularExpression::escape(option);
        if (option == QLatin1String("-?"))
            name = QStringLiteral("-\\\\\\?"); // written -\? in zsh
        const QRegularExpression named(QStringLiteral("(?<![\\w-])%1(?![\\w-])").arg(name));
        if (!body.contains(named))
            missing.insert(option);
    }
    QVERIFY2(missing.isEmpty(),
             qPrintable(QStringLiteral("not in %1: %2").arg(function, sorted(missing))));
}

QTEST_GUILESS_MAIN(TestCompletion)
#include "tst_completion.moc"
