#pragma once

#include <QLabel>

namespace requeue {

// A one-line label that never asks for the width of its text: it shrinks to
// a few characters and elides what does not fit, with the whole text in its
// tooltip. For status bars, where a long count must not push the window's
// minimum width. Elides at the end unless told otherwise.
//
// GUI thread only.
class ElidedLabel : public QLabel
{
    Q_OBJECT
public:
    explicit ElidedLabel(QWidget *parent = nullptr);

    // The whole text; what is painted may be elided.
    void setFullText(const QString &text);
    QString fullText() const { return m_fullText; }
    void setElideMode(Qt::TextElideMode mode) { m_mode = mode; }
    // Whether the painted text is cut.
    bool isElided() const { return text() != m_fullText; }

    QSize minimumSizeHint() const override;
    QSize sizeHint() const override;

protected:
    void resizeEvent(QResizeEvent *event) override;

private:
    void updateElided();

    QString m_fullText;
    Qt::TextElideMode m_mode = Qt::ElideRight;
};

} // namespace requeue
