#include "shellcommand.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>
#include <unistd.h>

namespace requeue {

class tst_ShellCommand : public QObject
{
    Q_OBJECT

private slots:
    void wordsWithoutShell_data();
    void wordsWithoutShell();
    void findExecutable();
    void shellPwd();
    void shellSignalReport();
};

void tst_ShellCommand::wordsWithoutShell_data()
{
    QTest::addColumn<QString>("command");
    QTest::addColumn<QByteArrayList>("words"); // empty: sh must run it

    const QByteArrayList needsShell;
    QTest::newRow("program") << QStringLiteral("ls") << QByteArrayList {"ls"};
    QTest::newRow("arguments") << QStringLiteral("ls -l /tmp")
                               << QByteArrayList {"ls", "-l", "/tmp"};
    QTest::newRow("blanks") << QStringLiteral(" \tgrep  -c\tx  ")
                            << QByteArrayList {"grep", "-c", "x"};
    QTest::newRow("path") << QStringLiteral("/usr/bin/env") << QByteArrayList {"/usr/bin/env"};
    QTest::newRow("plain punctuation")
        << QStringLiteral("rsync -a --exclude=.git a/b,c:d+e@f%g ./out")
        << QByteArrayList {"rsync", "-a", "--exclude=.git", "a/b,c:d+e@f%g", "./out"};
    QTest::newRow("= after the program")
        << QStringLiteral("env A=1") << QByteArrayList {"env", "A=1"};

    QTest::newRow("empty") << QStringLiteral("") << needsShell;
    QTest::newRow("only blanks") << QStringLiteral("  \t") << needsShell;
    QTest::newRow("assignment first") << QStringLiteral("FOO=1 cmd") << needsShell;
    QTest::newRow("single quotes") << QStringLiteral("echo2 'a b'") << needsShell;
    QTest::newRow("double quotes") << QStringLiteral("ls \"a\"") << needsShell;
    QTest::newRow("backslash") << QStringLiteral("ls a\\ b") << needsShell;
    QTest::newRow("dollar") << QStringLiteral("ls $HOME") << needsShell;
    QTest::newRow("backquote") << QStringLiteral("ls `pwd`") << needsShell;
    QTest::newRow("star") << QStringLiteral("ls *.txt") << needsShell;
    QTest::newRow("question mark") << QStringLiteral("ls a?") << needsShell;
    QTest::newRow("bracket") << QStringLiteral("ls [ab]") << needsShell;
    QTest::newRow("redirect out") << QStringLiteral("ls >out") << needsShell;
    QTest::newRow("redirect in") << QStringLiteral("wc <in") << needsShell;
    QTest::newRow("fd redirect") << QStringLiteral("ls 2>&1") << needsShell;
    QTest::newRow("semicolon") << QStringLiteral("ls; ls") << needsShell;
    QTest::newRow("and") << QStringLiteral("ls && ls") << needsShell;
    QTest::newRow("or") << QStringLiteral("ls || ls") << needsShell;
    QTest::newRow("pipe") << QStringLiteral("ls | wc") << needsShell;
    QTest::newRow("background") << QStringLiteral("sleep 1 &") << needsShell;
    QTest::newRow("subshell") << QStringLiteral("(ls)") << needsShell;
    QTest::newRow("braces") << QStringLiteral("{ ls; }") << needsShell;
    QTest::newRow("comment") << QStringLiteral("ls #x") << needsShell;
    QTest::newRow("tilde") << QStringLiteral("ls ~") << needsShell;
    QTest::newRow("tilde after =") << QStringLiteral("env A=~/x") << needsShell;
    QTest::newRow("newline") << QStringLiteral("ls\nls") << needsShell;
    QTest::newRow("bang") << QStringLiteral("! ls") << needsShell;
    QTest::newRow("caret") << QStringLiteral("ls ^a") << needsShell;
    QTest::newRow("non-ASCII") << QStringLiteral("ls caf\u00e9") << needsShell;
    for (const char *word :
         {"cd",     "export", "exit",  ".",    ":",    "echo",    "printf", "test",
          "true",   "false",  "kill",  "pwd",  "read", "exec",    "eval",   "set",
          "source", "ulimit", "umask", "wait", "type", "command", "hash"}) {
        QTest::newRow(qPrintable(QStringLiteral("builtin %1").arg(QLatin1String(word))))
            << QLatin1String(word) + QStringLiteral(" x") << needsShell;
    }
    for (const char *word : {"if", "then", "for", "while", "until", "case", "do", "done", "time",
                             "function", "select"}) {
        QTest::newRow(qPrintable(QStringLiteral("keyword %1").arg(QLatin1String(word))))
            << QLatin1String(word) + QStringLiteral(" x") << needsShell;
    }
    // Only the first word decides: "env echo" runs env.
    QTest::newRow("builtin later")
        << QStringLiteral("env echo x") << QByteArrayList {"env", "echo", "x"};
}

void tst_ShellCommand::wordsWithoutShell()
{
    QFETCH(QString, command);
    QFETCH(QByteArrayList, words);
    const std::optional<QList<QByteArray>> got = requeue::wordsWithoutShell(command);
    QCOMPARE(got.value_or(QByteArrayList()), words);
}

void tst_ShellCommand::findExecutable()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QByteArray root = QFile::encodeName(dir.path());
    QVERIFY(QDir().mkpath(dir.filePath(QStringLiteral("a"))));
    QVERIFY(QDir().mkpath(dir.filePath(QStringLiteral("b"))));
    QVERIFY(QDir().mkpath(dir.filePath(QStringLiteral("b/tool-dir"))));
    const auto makeFile = [&](const QString &name, bool executable) {
        QFile file(dir.filePath(name));
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("#!/bin/sh\n");
        file.close();
        if (executable)
            file.setPermissions(QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    };
    makeFile(QStringLiteral("a/tool"), false); // not executable: skipped, as sh does
    makeFile(QStringLiteral("b/tool"), true);
    makeFile(QStringLiteral("b/other"), true);
    const QByteArray path = root + "/a:" + root + "/b";

    QCOMPARE(requeue::findExecutable("tool", path, {}), root + "/b/tool");
    QCOMPARE(requeue::findExecutable("tool-dir", path, {}), QByteArray()); // a folder
    QCOMPARE(requeue::findExecutable("missing", path, {}), QByteArray());
    QCOMPARE(requeue::findExecutable("tool", QByteArray(), {}), QByteArray()); // no PATH
    // A relative entry depends on the working directory: sh decides.
    QCOMPARE(requeue::findExecutable("tool", root + "/a::" + root + "/b", {}), QByteArray());
    QCOMPARE(requeue::findExecutable("tool", "." + (":" + root) + "/b", {}), QByteArray());
    // With a slash: as given, relative to the job's working directory.
    QCOMPARE(requeue::findExecutable(root + "/b/other", path, {}), root + "/b/other");
    QCOMPARE(requeue::findExecutable("b/other", path, root), QByteArray("b/other"));
    QCOMPARE(requeue::findExecutable("b/other", path, root + "/a"), QByteArray());
    QCOMPARE(requeue::findExecutable("./a/tool", path, root), QByteArray());
}

void tst_ShellCommand::shellPwd()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QByteArray real = QFile::encodeName(QDir(dir.path()).canonicalPath());
    QVERIFY(QDir().mkpath(dir.filePath(QStringLiteral("real"))));
    const QByteArray link = QFile::encodeName(dir.filePath(QStringLiteral("link")));
    QCOMPARE(::symlink(QByteArray(real + "/real").constData(), link.constData()), 0);

    // A PWD that names the folder is kept, even through a symbolic link.
    QCOMPARE(requeue::shellPwd(link, real + "/real"), link);
    QCOMPARE(requeue::shellPwd(link, link), link);
    // Otherwise the physical path.
    QCOMPARE(requeue::shellPwd(real, link), real + "/real");
    QCOMPARE(requeue::shellPwd(QByteArray(), link), real + "/real");
    QCOMPARE(requeue::shellPwd("relative", link), real + "/real");
    QCOMPARE(requeue::shellPwd(QByteArray(), real + "/missing"), QByteArray());
}

void tst_ShellCommand::shellSignalReport()
{
    QCOMPARE(requeue::shellSignalReport(SIGSEGV, false), QByteArray("Segmentation fault\n"));
    QCOMPARE(requeue::shellSignalReport(SIGABRT, true), QByteArray("Aborted (core dumped)\n"));
    QCOMPARE(requeue::shellSignalReport(SIGTERM, false), QByteArray("Terminated\n"));
    QCOMPARE(requeue::shellSignalReport(SIGINT, false), QByteArray());
    QCOMPARE(requeue::shellSignalReport(SIGPIPE, false), QByteArray());
}

} // namespace requeue

QTEST_GUILESS_MAIN(requeue::tst_ShellCommand)
#include "tst_shellcommand.moc"
