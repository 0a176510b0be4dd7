#pragma once

#include <QStringDecoder>
#include <QWidget>

class QLabel;
class QPlainTextEdit;

namespace requeue {

// Shows one output file of an attempt and follows it as it grows (poll() on
// a timer reads only what was appended). Keeps at most about twice `cap`
// bytes in the view: past that it shows the last `cap` bytes and says so, so
// that a job printing gigabytes cannot freeze the window.
//
// GUI thread only.
class OutputView : public QWidget
{
    Q_OBJECT
public:
    static constexpr qint64 DefaultCap = 256 * 1024;

    explicit OutputView(QWidget *parent = nullptr);

    // Shows `path` from its tail; an empty path shows `emptyText` instead. A
    // missing file is an attempt that printed nothing (so far).
    void setFile(const QString &path, const QString &emptyText = {});
    // Reads what was appended since the last call. Cheap when nothing was.
    void poll();
    // Bytes of the file seen so far.
    qint64 size() const { return m_readTo; }
    void setCap(qint64 bytes) { m_cap = qMax<qint64>(1024, bytes); }

    QString text() const;
    QString infoText() const;
    QString path() const { return m_path; }

private:
    void reloadTail(qint64 size);
    void append(const QByteArray &bytes);
    void updateInfo(qint64 size);

    QLabel *m_info;         // Owning (child widget).
    QPlainTextEdit *m_text; // Owning (child widget).
    QString m_path;
    QString m_emptyText;
    QStringDecoder m_decoder {QStringDecoder::Utf8};
    qint64 m_cap = DefaultCap;
    qint64 m_shownFrom = 0; // file offset of the first byte shown
    qint64 m_readTo = 0;    // file offset read so far
};

} // namespace requeue
