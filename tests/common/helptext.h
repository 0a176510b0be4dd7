#pragma once

// What `requeue --help` and `requeue COMMAND --help` print, read the way
// QCommandLineParser lays it out. For the tests that keep the manual page and
// the shell completions in step with the executable (REQUEUE_BINARY).

#include <QProcess>
#include <QRegularExpression>
#include <QSet>
#include <QStringList>

#include <algorithm>
#include <optional>

namespace requeue::test {

using OptionSet = QSet<QString>;

inline QString sorted(const OptionSet &set)
{
    QStringList list(set.begin(), set.end());
    std::sort(list.begin(), list.end());
    return list.join(QLatin1Char(' '));
}

// Runs requeue with `arguments`; returns stdout, or nullopt with a message.
inline std::optional<QString> requeueOutput(const QStringList &arguments, QString *failure)
{
    QProcess process;
    process.start(qEnvironmentVariable("REQUEUE_BINARY"), arguments);
    if (!process.waitForFinished(30000) || process.exitStatus() != QProcess::NormalExit
        || process.exitCode() != 0) {
        *failure = QStringLiteral("requeue %1 failed: %2 %3")
                       .arg(arguments.join(QLatin1Char(' ')), process.errorString(),
                            QString::fromLocal8Bit(process.readAllStandardError()));
        return std::nullopt;
    }
    return QString::fromLocal8Bit(process.readAllStandardOutput());
}

// The lines after the line `heading` (e.g. "Options:") up to the first
// empty line.
inline QStringList helpBlock(const QString &text, const QString &heading)
{
    const QStringList lines = text.split(QLatin1Char('\n'));
    const qsizetype start = lines.indexOf(heading);
    QStringList result;
    for (qsizetype i = start < 0 ? lines.size() : start + 1; i < lines.size(); ++i) {
        if (lines.at(i).trimmed().isEmpty())
            break;
        result.append(lines.at(i));
    }
    return result;
}

// "  -j, --jobs <N>    Description", the description wrapping onto lines
// that start with spaces only: {"-j", "--jobs"}.
inline OptionSet helpOptions(const QString &help)
{
    static const QRegularExpression names(QStringLiteral("^  (-\\S.*?)(?:\\s{2,}|$)"));
    OptionSet options;
    for (const QString &line : helpBlock(help, QStringLiteral("Options:"))) {
        const QRegularExpressionMatch match = names.match(line);
        if (!match.hasMatch())
            continue;
        for (QString name : match.captured(1).split(QStringLiteral(", "))) {
            const qsizetype value = name.indexOf(QStringLiteral(" <"));
            if (value >= 0)
                name.truncate(value);
            options.insert(name.trimmed());
        }
    }
    return options;
}

// The commands the top-level help lists as "  requeue NAME ...".
inline QStringList helpCommands(const QString &help)
{
    static const QRegularExpression command(QStringLiteral("^\\s+requeue ([a-z][a-z-]*)\\b"));
    QStringList commands;
    for (const QString &line : helpBlock(help, QStringLiteral("Commands:"))) {
        const QRegularExpressionMatch match = command.match(line);
        if (match.hasMatch() && !commands.contains(match.captured(1)))
            commands.append(match.captured(1));
    }
    return commands;
}

} // namespace requeue::test
