#pragma once

#include <QByteArray>
#include <QTemporaryDir>
#include <QtGlobal>

namespace requeue::test {

// Points $XDG_STATE_HOME, under which runs are recorded by default, at a
// temporary folder for as long as it lives, so that a test's runs land (and
// go) there instead of in the user's state folder. Main thread.
class PrivateStateHome
{
public:
    PrivateStateHome()
        : m_old(qgetenv("XDG_STATE_HOME"))
        , m_hadOld(qEnvironmentVariableIsSet("XDG_STATE_HOME"))
    {
        qputenv("XDG_STATE_HOME", m_dir.path().toLocal8Bit());
    }
    ~PrivateStateHome()
    {
        if (m_hadOld)
            qputenv("XDG_STATE_HOME", m_old);
        else
            qunsetenv("XDG_STATE_HOME");
    }
    Q_DISABLE_COPY_MOVE(PrivateStateHome)

    bool isValid() const { return m_dir.isValid(); }
    QString path() const { return m_dir.path(); }
    // Where runs are recorded: RunDirectory::defaultRoot() while this lives.
    QString runsRoot() const { return m_dir.filePath(QStringLiteral("requeue/runs")); }

private:
    QTemporaryDir m_dir;
    QByteArray m_old;
    bool m_hadOld;
};

} // namespace requeue::test
