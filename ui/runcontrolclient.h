#pragma once

#include "runcontrol.h"

#include <QObject>
#include <QString>

namespace requeue {

// Sends requests to the control socket of a run that another process runs
// (`requeue run` listens on it, see runcontrol.h), one connection per
// request, without blocking: each request gets exactly one replied(), the
// run's answer or why there was none.
//
// GUI thread only.
class RunControlClient : public QObject
{
    Q_OBJECT
public:
    static constexpr int ReplyTimeoutMs = 10'000;

    explicit RunControlClient(QObject *parent = nullptr);

    void setRunDirectory(const QString &dir) { m_dir = dir; }
    QString runDirectory() const { return m_dir; }
    void send(const ControlRequest &request);

Q_SIGNALS:
    // `text`: the run's message when `ok`, else what went wrong.
    void replied(bool ok, const QString &text);

private:
    QString m_dir;
};

} // namespace requeue
