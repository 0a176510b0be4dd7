// ExitFileWatcher on a local folder: the file renamed into place (as the
// Slurm wrapper does) or written in place is reported once; other names and
// unwatched folders are not.
#include "exitfilewatcher.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace requeue;

namespace {

bool writeFile(const QString &path, const QByteArray &bytes)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly) && file.write(bytes) == bytes.size();
}

} // namespace

class tst_ExitFileWatcher : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void reportsTheFileRenamedIntoPlace();
    void reportsTheFileWrittenInPlace();
    void ignoresOtherFilesAndUnwatchedFolders();
};

void tst_ExitFileWatcher::reportsTheFileRenamedIntoPlace()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    ExitFileWatcher watcher(QStringLiteral("exitcode"));
    QVERIFY(watcher.watch(dir.path()));
    QVERIFY(writeFile(dir.filePath(QStringLiteral("exitcode.tmp")), "3\n"));
    QVERIFY(watcher.takeArrived().isEmpty()); // the temporary name is not it
    QVERIFY(QFile::rename(dir.filePath(QStringLiteral("exitcode.tmp")),
                          dir.filePath(QStringLiteral("exitcode"))));
    QCOMPARE(watcher.takeArrived(), QStringList {dir.path()});
    QVERIFY(watcher.takeArrived().isEmpty()); // once
}

void tst_ExitFileWatcher::reportsTheFileWrittenInPlace()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    ExitFileWatcher watcher(QStringLiteral("exitcode"));
    QVERIFY(watcher.watch(dir.path()));
    QVERIFY(writeFile(dir.filePath(QStringLiteral("exitcode")), "0\n"));
    QCOMPARE(watcher.takeArrived(), QStringList {dir.path()});
}

void tst_ExitFileWatcher::ignoresOtherFilesAndUnwatchedFolders()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString first = dir.filePath(QStringLiteral("1"));
    const QString second = dir.filePath(QStringLiteral("2"));
    QVERIFY(QDir().mkpath(first) && QDir().mkpath(second));
    ExitFileWatcher watcher(QStringLiteral("exitcode"));
    QVERIFY(watcher.watch(first));
    QVERIFY(watcher.watch(second));
    QVERIFY(!watcher.watch(dir.filePath(QStringLiteral("missing"))));
    watcher.unwatch(first);
    QVERIFY(writeFile(first + QLatin1String("/exitcode"), "0\n"));
    QVERIFY(writeFile(second + QLatin1String("/stdout"), "out\n"));
    QVERIFY(watcher.takeArrived().isEmpty());
    QVERIFY(writeFile(second + QLatin1String("/exitcode"), "0\n"));
    QCOMPARE(watcher.takeArrived(), QStringList {second});
}

QTEST_GUILESS_MAIN(tst_ExitFileWatcher)
#include "tst_exitfilewatcher.moc"
