#include "timelinepanel.h"

#include "timelinelayout.h"
#include "timelinesvg.h"
#include "timelineview.h"

#include <QAction>
#include <QFileDialog>
#include <QImageWriter>
#include <QLabel>
#include <QMessageBox>
#include <QSaveFile>
#include <QToolBar>
#include <QVBoxLayout>

namespace requeue {

namespace {

QString legendHtml()
{
    QString html;
    for (int kind = 0; kind < BarKindCount; ++kind) {
        html += QStringLiteral("<span style=\"color:#%1\">&#9632;</span>&nbsp;%2&nbsp;&nbsp; ")
                    .arg(barRgb(BarKind(kind)), 6, 16, QLatin1Char('0'))
                    .arg(barKindName(BarKind(kind)));
    }
    html += QStringLiteral("<span style=\"color:#%1\">&#9472;&#9472;</span>&nbsp;%2")
                .arg(waitRgb(), 6, 16, QLatin1Char('0'))
                .arg(QObject::tr("retry wait"));
    return html;
}

} // namespace

TimelinePanel::TimelinePanel(JobRunner *runner, QWidget *parent)
    : QWidget(parent)
    , m_view(new TimelineView(this))
{
    setObjectName(QStringLiteral("timelinePanel"));
    m_view->setRunner(runner);

    auto *bar = new QToolBar(this);
    bar->setToolButtonStyle(Qt::ToolButtonTextOnly);
    m_fitAction = bar->addAction(tr("Fit"), m_view, &TimelineView::fit);
    m_fitAction->setObjectName(QStringLiteral("actionTimelineFit"));
    m_fitAction->setCheckable(true);
    m_fitAction->setToolTip(tr("Show the whole run, growing with it"));
    m_followAction = bar->addAction(tr("Follow live"), this,
                                    [this] { m_view->setMode(TimelineView::Mode::Follow); });
    m_followAction->setObjectName(QStringLiteral("actionTimelineFollow"));
    m_followAction->setCheckable(true);
    m_followAction->setToolTip(tr("Keep the latest stretch of time in view"));
    bar->addSeparator();
    bar->addAction(tr("Zoom In (+)"), m_view, &TimelineView::zoomIn);
    bar->addAction(tr("Zoom Out (−)"), m_view, &TimelineView::zoomOut);
    bar->addSeparator();
    QAction *exportAction = bar->addAction(tr("Export…"), this, &TimelinePanel::chooseExportFile);
    exportAction->setObjectName(QStringLiteral("actionTimelineExport"));

    auto *legend = new QLabel(legendHtml(), this);
    legend->setTextFormat(Qt::RichText);
    legend->setContentsMargins(6, 0, 6, 0);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(bar);
    layout->addWidget(legend);
    layout->addWidget(m_view, 1);

    connect(m_view, &TimelineView::modeChanged, this, &TimelinePanel::syncModeActions);
    syncModeActions();
}

bool TimelinePanel::exportImage(const QString &path, QString *error) const
{
    if (path.endsWith(QLatin1String(".svg"), Qt::CaseInsensitive)) {
        TimelineSvgOptions options;
        options.width = std::max(400, m_view->width());
        options.nowUs = nowUs();
        const QString svg
            = renderTimelineSvg(m_view->timeline(), options)
                  .replace(QLatin1String("<svg "),
                           QLatin1String("<svg xmlns=\"http://www.w3.org/2000/svg\" "));
        QSaveFile file(path);
        if (file.open(QIODevice::WriteOnly)
            && file.write("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + svg.toUtf8()) >= 0
            && file.commit())
            return true;
        if (error)
            *error = tr("%1: %2").arg(path, file.errorString());
        return false;
    }
    QImageWriter writer(path, "png");
    if (writer.write(m_view->renderImage()))
        return true;
    if (error)
        *error = tr("%1: %2").arg(path, writer.errorString());
    return false;
}

void TimelinePanel::chooseExportFile()
{
    const QString path = QFileDialog::getSaveFileName(
        this, tr("Export Timeline"), QStringLiteral("timeline.png"), tr("PNG image (*.png)"));
    if (path.isEmpty())
        return;
    QString error;
    if (!exportImage(path, &error))
        QMessageBox::warning(this, tr("Export Timeline"), error);
}

void TimelinePanel::syncModeActions()
{
    m_fitAction->setChecked(m_view->mode() == TimelineView::Mode::Fit);
    m_followAction->setChecked(m_view->mode() == TimelineView::Mode::Follow);
}

} // namespace requeue
