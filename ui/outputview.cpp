#include "outputview.h"

#include "textformat.h"

#include <QFile>
#include <QFontDatabase>
#include <QLabel>
#include <QPlainTextEdit>
#include <QScrollBar>
#include <QTextCursor>
#include <QVBoxLayout>

namespace requeue {

OutputView::OutputView(QWidget *parent)
    : QWidget(parent)
    , m_info(new QLabel(this))
    , m_text(new QPlainTextEdit(this))
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    m_info->setObjectName(QStringLiteral("outputInfo"));
    m_text->setObjectName(QStringLiteral("outputText"));
    m_text->setReadOnly(true);
    m_text->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_text->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    layout->addWidget(m_info);
    layout->addWidget(m_text, 1);
}

void OutputView::setFile(const QString &path, const QString &emptyText)
{
    m_path = path;
    m_emptyText = emptyText;
    m_shownFrom = 0;
    m_readTo = 0;
    m_decoder.resetState();
    m_text->clear();
    m_info->setText(emptyText);
    poll();
}

void OutputView::poll()
{
    if (m_path.isEmpty())
        return;
    QFile file(m_path);
    if (!file.open(QIODevice::ReadOnly)) {
        // The runner makes an output file only when the first byte comes.
        if (m_readTo == 0)
            updateInfo(0);
        return;
    }
    const qint64 size = file.size();
    if (size == m_readTo && m_readTo > 0)
        return;
    if (size < m_readTo || size - m_shownFrom > 2 * m_cap) {
        file.close();
        reloadTail(size);
        return;
    }
    file.seek(m_readTo);
    append(file.read(size - m_readTo));
    m_readTo = size;
    updateInfo(size);
}

QString OutputView::text() const
{
    return m_text->toPlainText();
}

QString OutputView::infoText() const
{
    return m_info->text();
}

void OutputView::reloadTail(qint64 size)
{
    QFile file(m_path);
    if (!file.open(QIODevice::ReadOnly))
        return;
    m_shownFrom = qMax<qint64>(0, size - m_cap);
    file.seek(m_shownFrom);
    QByteArray bytes = file.read(size - m_shownFrom);
    if (m_shownFrom > 0) {
        // Start on a whole line (and so on a whole UTF-8 sequence).
        const qsizetype newline = bytes.indexOf('\n');
        if (newline >= 0 && newline < bytes.size() - 1)
            bytes.remove(0, newline + 1);
    }
    m_decoder.resetState();
    m_text->clear();
    m_readTo = size;
    append(bytes);
    updateInfo(size);
}

void OutputView::append(const QByteArray &bytes)
{
    if (bytes.isEmpty())
        return;
    QScrollBar *bar = m_text->verticalScrollBar();
    const bool atEnd = bar->value() >= bar->maximum() - 2;
    QTextCursor cursor(m_text->document());
    cursor.movePosition(QTextCursor::End);
    cursor.insertText(m_decoder.decode(bytes));
    if (atEnd)
        bar->setValue(bar->maximum());
}

void OutputView::updateInfo(qint64 size)
{
    if (size == 0)
        m_info->setText(tr("Empty."));
    else if (m_shownFrom > 0)
        m_info->setText(tr("Showing the last %1 of %2.")
                            .arg(formatBytes(size - m_shownFrom), formatBytes(size)));
    else
        m_info->setText(formatBytes(size));
}

} // namespace requeue
