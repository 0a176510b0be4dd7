#include "elidedlabel.h"

#include <QResizeEvent>

namespace requeue {

ElidedLabel::ElidedLabel(QWidget *parent)
    : QLabel(parent)
{
    setTextFormat(Qt::PlainText);
    setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Preferred);
}

void ElidedLabel::setFullText(const QString &text)
{
    if (text == m_fullText)
        return;
    m_fullText = text;
    updateElided();
    updateGeometry();
}

QSize ElidedLabel::minimumSizeHint() const
{
    // Room for a few characters and the ellipsis, never for the whole text.
    const QFontMetrics metrics = fontMetrics();
    const int width = std::min(metrics.horizontalAdvance(m_fullText),
                               metrics.horizontalAdvance(QStringLiteral("0000\u2026")));
    return {width + contentsMargins().left() + contentsMargins().right(),
            QLabel::minimumSizeHint().height()};
}

QSize ElidedLabel::sizeHint() const
{
    const QFontMetrics metrics = fontMetrics();
    return {metrics.horizontalAdvance(m_fullText) + contentsMargins().left()
                + contentsMargins().right(),
            QLabel::sizeHint().height()};
}

void ElidedLabel::resizeEvent(QResizeEvent *event)
{
    QLabel::resizeEvent(event);
    updateElided();
}

void ElidedLabel::updateElided()
{
    // elidedText() measures differently from horizontalAdvance(), which the
    // size hints use: it cuts a text given exactly its own advance. What
    // fits by the size hints' measure is shown whole.
    const int room = contentsRect().width();
    const QFontMetrics metrics = fontMetrics();
    QLabel::setText(metrics.horizontalAdvance(m_fullText) <= room
                        ? m_fullText
                        : metrics.elidedText(m_fullText, m_mode, room));
    // Only a cut text needs its whole in a tooltip; else the parent's shows.
    setToolTip(isElided() ? m_fullText : QString());
}

} // namespace requeue
