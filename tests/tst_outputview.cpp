#include "outputview.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace requeue;

class tst_OutputView : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void showsAndFollowsAGrowingFile();
    void capsWhatItShows_data();
    void capsWhatItShows();
    void restartsWhenTheFileShrinks();
    void emptyPathShowsTheGivenText();
    void missingFileIsEmpty();
};

namespace {

void append(const QString &path, const QByteArray &bytes)
{
    QFile file(path);
    QVERIFY(file.open(QIODevice::Append));
    QCOMPARE(file.write(bytes), bytes.size());
}

} // namespace

void tst_OutputView::showsAndFollowsAGrowingFile()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("stdout"));
    append(path, "first line\n");
    OutputView view;
    view.setFile(path);
    QCOMPARE(view.text(), QStringLiteral("first line\n"));
    append(path, "second \xc3");
    view.poll();
    append(path, "\xa9 line\n"); // a UTF-8 sequence split across two reads
    view.poll();
    QCOMPARE(view.text(), QStringLiteral("first line\nsecond \u00e9 line\n"));
    view.poll(); // nothing new: nothing changes
    QCOMPARE(view.text(), QStringLiteral("first line\nsecond \u00e9 line\n"));
}

void tst_OutputView::capsWhatItShows_data()
{
    QTest::addColumn<int>("lines");
    QTest::addColumn<bool>("capped");
    QTest::newRow("small") << 100 << false;
    QTest::newRow("over twice the cap") << 100000 << true; // about 1.3 MB
}

void tst_OutputView::capsWhatItShows()
{
    QFETCH(int, lines);
    QFETCH(bool, capped);
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("stdout"));
    QByteArray bytes;
    for (int i = 0; i < lines; ++i)
        bytes += "line number " + QByteArray::number(i) + '\n';
    append(path, bytes);
    OutputView view;
    view.setFile(path);
    const QString text = view.text();
    QVERIFY(text.size() <= 2 * OutputView::DefaultCap);
    QVERIFY(text.endsWith(QStringLiteral("line number %1\n").arg(lines - 1)));
    QCOMPARE(view.infoText().startsWith(QStringLiteral("Showing the last")), capped);
    if (capped)
        QVERIFY(text.startsWith(QStringLiteral("line number "))); // starts on a whole line
}

void tst_OutputView::restartsWhenTheFileShrinks()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("stdout"));
    append(path, "a long first version\n");
    OutputView view;
    view.setFile(path);
    QFile::remove(path);
    append(path, "new\n");
    view.poll();
    QCOMPARE(view.text(), QStringLiteral("new\n"));
}

void tst_OutputView::emptyPathShowsTheGivenText()
{
    OutputView view;
    view.setFile(QString(), QStringLiteral("In-process job"));
    QCOMPARE(view.infoText(), QStringLiteral("In-process job"));
    QVERIFY(view.text().isEmpty());
}

void tst_OutputView::missingFileIsEmpty()
{
    // The runner makes no file for a stream that printed nothing.
    QTemporaryDir dir;
    OutputView view;
    const QString path = dir.filePath(QStringLiteral("not-yet"));
    view.setFile(path);
    QCOMPARE(view.infoText(), QStringLiteral("Empty."));
    QVERIFY(view.text().isEmpty());
    // Followed once it appears.
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("late\n");
    file.close();
    view.poll();
    QCOMPARE(view.text(), QStringLiteral("late\n"));
}

QTEST_MAIN(tst_OutputView)
#include "tst_outputview.moc"
