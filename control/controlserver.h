#pragma once

#include "runcontrol.h"

#include <QObject>
#include <QString>

class QLocalServer;
class QLocalSocket;

namespace requeue {

class JobRunner;
class RunRecorder;

// The control socket of a live run (see runcontrol.h for the protocol):
// `requeue ctl` and other viewers steer the run through it. Each connection
// sends request lines and gets one reply line for each. A connection from
// another user is answered with an error and closed (SO_PEERCRED), besides
// the socket's mode 0600 inside the run directory's 0700. The process that
// runs the jobs stays the only writer of the run directory: requests go
// through the runner, and the recorder journals them. Both front ends that
// run jobs serve it: `requeue run` and the window, for the run it records.
//
// Lives in the runner's thread, whose event loop it needs.
class ControlServer : public QObject
{
    Q_OBJECT
public:
    // Neither is owned; both must outlive the server. `recorder` may be null.
    ControlServer(JobRunner *runner, RunRecorder *recorder, QObject *parent = nullptr);
    // Stops listening and removes the socket.
    ~ControlServer() override;

    // Listens at controlSocketPath(runDir); the socket appears there with
    // mode 0600. A stale socket of a run that is gone is replaced; the run
    // directory's lock says no one else uses it.
    bool listen(const QString &runDir, QString *error);
    QString socketPath() const; // empty until listen() succeeded

Q_SIGNALS:
    // A client's request (other than status) was carried out and
    // journalled; its reply is on the way. Lets a front end show it.
    void requestApplied(const requeue::ControlRequest &request);

private:
    void acceptConnections();
    void readRequests(QLocalSocket *socket);

    JobRunner *const m_runner;     // Not owning.
    RunRecorder *const m_recorder; // Not owning; may be null.
    QLocalServer *m_server;        // Owned (child).
    QString m_path;                // where the socket is, once listening
};

} // namespace requeue
