#include "jobspec.h"

namespace requeue {

namespace {
// Quotes an argument the way a POSIX shell would need it, for display only.
QString shellQuoted(const QString &arg)
{
    static const QString safe = QStringLiteral("@%+=:,./-_");
    const bool plain = !arg.isEmpty() && std::all_of(arg.begin(), arg.end(), [](QChar c) {
        return c.isLetterOrNumber() || safe.contains(c);
    });
    if (plain)
        return arg;
    QString quoted = arg;
    quoted.replace(QLatin1Char('\''), QLatin1String("'\\''"));
    return QLatin1Char('\'') + quoted + QLatin1Char('\'');
}
} // namespace

QString ProcessSpec::displayCommand() const
{
    if (usesShell())
        return shellCommand;
    QStringList parts {shellQuoted(program)};
    for (const QString &arg : arguments)
        parts.append(shellQuoted(arg));
    return parts.join(QLatin1Char(' '));
}

QString JobSpec::displayCommand() const
{
    if (isCallable())
        return name.isEmpty() ? QStringLiteral("(callable)") : name;
    return process.displayCommand();
}

} // namespace requeue
