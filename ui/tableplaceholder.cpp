#include "tableplaceholder.h"

#include "jobfilterproxy.h"

#include <QAbstractItemView>
#include <QEvent>

namespace requeue {

TablePlaceholder::TablePlaceholder(QAbstractItemView *view, JobFilterProxy *proxy)
    : QLabel(view->viewport())
    , m_proxy(proxy)
{
    setObjectName(QStringLiteral("tablePlaceholder"));
    setAlignment(Qt::AlignCenter);
    setWordWrap(true);
    setForegroundRole(QPalette::PlaceholderText);
    setAttribute(Qt::WA_TransparentForMouseEvents);
    view->viewport()->installEventFilter(this);
    setGeometry(view->viewport()->rect());
    // Rows come and go through the proxy alone; the source's signals reach
    // it first, so its row count is current in these slots.
    for (auto signal : {&QAbstractItemModel::rowsInserted, &QAbstractItemModel::rowsRemoved}) {
        connect(proxy, signal, this, &TablePlaceholder::follow);
        connect(proxy->sourceModel(), signal, this, &TablePlaceholder::follow);
    }
    connect(proxy, &QAbstractItemModel::modelReset, this, &TablePlaceholder::follow);
    connect(proxy, &QAbstractItemModel::layoutChanged, this, &TablePlaceholder::follow);
    follow();
}

bool TablePlaceholder::eventFilter(QObject *watched, QEvent *event)
{
    if (event->type() == QEvent::Resize)
        setGeometry(static_cast<QWidget *>(watched)->rect());
    return QLabel::eventFilter(watched, event);
}

void TablePlaceholder::follow()
{
    if (m_proxy->rowCount() > 0) {
        hide();
        return;
    }
    if (m_proxy->sourceModel()->rowCount() == 0)
        setText(tr("No jobs yet.\nOpen a job list with File > Open... or drop one here."));
    else
        setText(tr("No matching jobs.\nClear the search or check other states above."));
    show();
}

} // namespace requeue
