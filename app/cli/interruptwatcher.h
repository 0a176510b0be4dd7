#pragma once

#include <QObject>

class QSocketNotifier;

namespace requeue {

// Turns SIGINT, SIGTERM and SIGHUP (the terminal closed, tmux kill-session)
// into a Qt signal. The handler only writes the
// signal number to a self-pipe (async-signal-safe); a QSocketNotifier reads it
// in the event loop.
//
// Thread affinity: lives in the thread that created it (normally the main
// thread), which must run an event loop. At most one may exist at a time:
// the handlers are process-wide.
class InterruptWatcher : public QObject
{
    Q_OBJECT
public:
    // Installs the handlers; the previous ones come back with the destructor.
    explicit InterruptWatcher(QObject *parent = nullptr);
    ~InterruptWatcher() override;

    // False if the pipe or the handlers could not be set up.
    bool isActive() const { return m_notifier != nullptr; }
    // How many signals have been seen so far.
    int count() const { return m_count; }

Q_SIGNALS:
    // `count` is 1 for the first signal, 2 for the second, ...
    void interrupted(int signal, int count);

private:
    void drain();

    QSocketNotifier *m_notifier = nullptr; // Owning (QObject child).
    int m_count = 0;
};

} // namespace requeue
