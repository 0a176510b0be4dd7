#include "shellcommand.h"

#include <QSet>

#include <climits>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <sys/stat.h>
#include <unistd.h>

namespace requeue {

namespace {

bool isPlainByte(char c)
{
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
        return true;
    return std::strchr("_-./,:+@%=", c) != nullptr && c != '\0';
}

// dash's and bash's builtins and reserved words: sh would run these itself,
// not the program of the same name (echo, printf, test, kill, pwd...).
const QSet<QByteArray> &shellOwnWords()
{
    static const QSet<QByteArray> words
        = {// reserved words
           "!", "{", "}", "case", "do", "done", "elif", "else", "esac", "fi", "for", "function",
           "if", "in", "select", "then", "time", "until", "while", "coproc", "[[", "]]",
           // builtins
           ".", ":", "[", "alias", "bg", "bind", "break", "builtin", "caller", "cd", "chdir",
           "command", "compgen", "complete", "compopt", "continue", "declare", "dirs", "disown",
           "echo", "enable", "eval", "exec", "exit", "export", "false", "fc", "fg", "getopts",
           "hash", "help", "history", "jobs", "kill", "let", "local", "logout", "mapfile", "popd",
           "printf", "pushd", "pwd", "read", "readarray", "readonly", "return", "set", "shift",
           "shopt", "source", "suspend", "test", "times", "trap", "true", "type", "typeset",
           "ulimit", "umask", "unalias", "unset", "wait"};
    return words;
}

bool isExecutableFile(const QByteArray &path)
{
    struct stat st;
    return ::stat(path.constData(), &st) == 0 && S_ISREG(st.st_mode)
        && ::access(path.constData(), X_OK) == 0;
}

} // namespace

std::optional<QList<QByteArray>> wordsWithoutShell(const QString &command)
{
    const QByteArray bytes = command.toUtf8();
    QList<QByteArray> words;
    qsizetype start = -1;
    for (qsizetype i = 0; i <= bytes.size(); ++i) {
        const char c = i < bytes.size() ? bytes[i] : ' ';
        if (c == ' ' || c == '\t') {
            if (start >= 0)
                words.append(bytes.mid(start, i - start));
            start = -1;
        } else if (!isPlainByte(c)) {
            return std::nullopt;
        } else if (start < 0) {
            start = i;
        }
    }
    if (words.isEmpty() || words.front().contains('=') || shellOwnWords().contains(words.front()))
        return std::nullopt;
    return words;
}

QByteArray findExecutable(const QByteArray &program, const QByteArray &path,
                          const QByteArray &workingDirectory)
{
    if (program.contains('/')) {
        const bool relative = !program.startsWith('/') && !workingDirectory.isEmpty();
        return isExecutableFile(relative ? workingDirectory + '/' + program : program)
            ? program
            : QByteArray();
    }
    if (path.isNull())
        return {}; // no PATH at all: sh's own default applies
    for (const QByteArray &dir : path.split(':')) {
        if (!dir.startsWith('/'))
            return {}; // "" and "." mean the working directory
        const QByteArray candidate = dir + '/' + program;
        if (isExecutableFile(candidate))
            return candidate;
    }
    return {};
}

QByteArray shellPwd(const QByteArray &inheritedPwd, const QByteArray &workingDirectory)
{
    const QByteArray dir = workingDirectory.isEmpty() ? QByteArray(".") : workingDirectory;
    struct stat here;
    if (::stat(dir.constData(), &here) != 0)
        return {};
    struct stat claimed;
    if (inheritedPwd.startsWith('/') && ::stat(inheritedPwd.constData(), &claimed) == 0
        && claimed.st_dev == here.st_dev && claimed.st_ino == here.st_ino) {
        return inheritedPwd;
    }
    char resolved[PATH_MAX];
    return ::realpath(dir.constData(), resolved) ? QByteArray(resolved) : QByteArray();
}

QByteArray shellSignalReport(int signal, bool coreDumped)
{
    if (signal == SIGINT || signal == SIGPIPE)
        return {};
    QByteArray text(strsignal(signal));
    if (coreDumped)
        text += " (core dumped)";
    return text + '\n';
}

} // namespace requeue
