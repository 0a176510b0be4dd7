// The manual page (resources/requeue.1) against the built executable
// (REQUEUE_BINARY): every option and command `--help` prints is documented,
// nothing documented is missing from `--help`, and man renders the page
// without a warning.
#include "common/helptext.h"

#include <QFile>
#include <QMap>
#include <QProcess>
#include <QRegularExpression>
#include <QSet>
#include <QStandardPaths>
#include <QTest>

#include <algorithm>
#include <optional>

using namespace requeue::test;

namespace {

// What the manual documents: the global options (key "") and each command's.
using Documented = QMap<QString, OptionSet>;

QString manPagePath()
{
    return QStringLiteral(REQUEUE_MANPAGE);
}

// A roff line as it reads: no font changes, quotes or escaped hyphens.
QString plainText(QString line)
{
    static const QRegularExpression font(QStringLiteral("\\\\f(\\(..|\\[[^]]*\\]|.)"));
    line.remove(font);
    line.replace(QStringLiteral("\\-"), QStringLiteral("-"));
    line.replace(QStringLiteral("\\~"), QStringLiteral(" "));
    line.remove(QLatin1Char('"'));
    return line;
}

// Reads the conventions described at the top of resources/requeue.1.
Documented documentedOptions(const QStringList &lines)
{
    static const QRegularExpression commandHeading(QStringLiteral("^requeue ([a-z][a-z-]*)\\b"));
    static const QRegularExpression option(
        QStringLiteral("(?:^|[\\s,])(-\\?|--?[A-Za-z][A-Za-z0-9-]*)"));
    Documented documented;
    std::optional<QString> current; // the command whose options follow
    for (qsizetype i = 0; i < lines.size(); ++i) {
        const QString &line = lines.at(i);
        if (line.startsWith(QLatin1String(".SH "))) {
            const QString title = plainText(line.mid(4)).trimmed();
            current = title == QLatin1String("OPTIONS") ? std::optional<QString>(QString())
                                                        : std::nullopt;
            if (current)
                documented[*current];
        } else if (line.startsWith(QLatin1String(".SS "))) {
            const QRegularExpressionMatch match
                = commandHeading.match(plainText(line.mid(4)).trimmed());
            current = match.hasMatch() ? std::optional<QString>(match.captured(1)) : std::nullopt;
            if (current)
                documented[*current];
        } else if (current && line == QLatin1String(".TP") && i + 1 < lines.size()) {
            QString tag = plainText(lines.at(i + 1));
            tag.remove(QRegularExpression(QStringLiteral("^\\.[A-Z]+\\s*")));
            auto matches = option.globalMatch(tag);
            while (matches.hasNext())
                documented[*current].insert(matches.next().captured(1));
        }
    }
    return documented;
}

} // namespace

class TestManPage : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void commandsMatch();
    void optionsMatch_data();
    void optionsMatch();
    void versionMatches();
    void rendersWithoutWarnings();

private:
    QStringList m_lines;
    Documented m_documented;
    QStringList m_helpCommands;
};

void TestManPage::initTestCase()
{
    QFile file(manPagePath());
    QVERIFY2(file.open(QIODevice::ReadOnly), qPrintable(file.errorString()));
    m_lines = QString::fromUtf8(file.readAll()).split(QLatin1Char('\n'));
    m_documented = documentedOptions(m_lines);
    QString failure;
    const auto help = requeueOutput({QStringLiteral("--help")}, &failure);
    QVERIFY2(help, qPrintable(failure));
    m_helpCommands = helpCommands(*help);
    QVERIFY2(m_helpCommands.contains(QLatin1String("run")), qPrintable(*help));
}

void TestManPage::commandsMatch()
{
    QStringList documented = m_documented.keys();
    documented.removeAll(QString());
    QStringList listed = m_helpCommands;
    std::sort(listed.begin(), listed.end());
    // Joined, so that a failure names the commands.
    QCOMPARE(documented.join(QLatin1Char(' ')), listed.join(QLatin1Char(' ')));
}

void TestManPage::optionsMatch_data()
{
    QTest::addColumn<QStringList>("helpArguments");
    QTest::addColumn<QString>("command");
    QTest::newRow("requeue") << QStringList {QStringLiteral("--help")} << QString();
    for (const QString &command : std::as_const(m_helpCommands)) {
        QTest::newRow(qPrintable(QLatin1String("requeue ") + command))
            << QStringList {command, QStringLiteral("--help")} << command;
    }
}

void TestManPage::optionsMatch()
{
    QFETCH(QStringList, helpArguments);
    QFETCH(QString, command);
    QString failure;
    const auto help = requeueOutput(helpArguments, &failure);
    QVERIFY2(help, qPrintable(failure));
    const OptionSet inHelp = helpOptions(*help);
    QVERIFY2(!inHelp.isEmpty(), qPrintable(*help));
    const OptionSet inManual = m_documented.value(command);
    QVERIFY2((inHelp - inManual).isEmpty(),
             qPrintable(QStringLiteral("in --help, not in %1: %2")
                            .arg(manPagePath(), sorted(inHelp - inManual))));
    QVERIFY2((inManual - inHelp).isEmpty(),
             qPrintable(QStringLiteral("in %1, not in --help: %2")
                            .arg(manPagePath(), sorted(inManual - inHelp))));
}

// The page's header names the version it describes.
void TestManPage::versionMatches()
{
    const auto th = std::find_if(m_lines.cbegin(), m_lines.cend(), [](const QString &line) {
        return line.startsWith(QLatin1String(".TH "));
    });
    QVERIFY(th != m_lines.cend());
    QVERIFY2(th->contains(QLatin1String("\"Requeue " REQUEUE_VERSION "\"")), qPrintable(*th));
}

void TestManPage::rendersWithoutWarnings()
{
    const QString man = QStandardPaths::findExecutable(QStringLiteral("man"));
    if (man.isEmpty())
        QSKIP("man is not installed (package man-db)");
    QProcess process;
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("MANWIDTH"), QStringLiteral("80"));
    environment.insert(QStringLiteral("LC_ALL"), QStringLiteral("C.UTF-8"));
    process.setProcessEnvironment(environment);
    process.start(man, {QStringLiteral("--warnings"), QStringLiteral("-l"), manPagePath()});
    QVERIFY(process.waitForFinished(30000));
    const QString warnings = QString::fromLocal8Bit(process.readAllStandardError());
    QVERIFY2(warnings.isEmpty(), qPrintable(warnings));
    QCOMPARE(process.exitCode(), 0);
    QVERIFY(process.readAllStandardOutput().contains("EXIT STATUS"));
}

QTEST_GUILESS_MAIN(TestManPage)
#include "tst_manpage.moc"
