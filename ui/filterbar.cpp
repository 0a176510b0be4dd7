#include "filterbar.h"

#include "jobtablemodel.h"
#include "stateicons.h"

#include <QButtonGroup>
#include <QHBoxLayout>
#include <QLineEdit>
#include <QStyle>
#include <QToolButton>

namespace requeue {

namespace {

constexpr int AllId = 0;
// Button order, as a person scans a run: what is going on, then what ended.
constexpr std::array<JobState, JobStateCount> ButtonStates {
    JobState::Running,   JobState::WaitingForRetry, JobState::Failed,
    JobState::Succeeded, JobState::Cancelled,       JobState::Queued,
};

int idOf(JobState state)
{
    return 1 + int(state);
}

} // namespace

FilterBar::FilterBar(JobFilterProxy *proxy, QWidget *parent)
    : QWidget(parent)
    , m_proxy(proxy)
    , m_group(new QButtonGroup(this))
    , m_search(new QLineEdit(this))
{
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    m_group->setExclusive(false);
    addButton(AllId, QStringLiteral("filterAll"));
    for (JobState state : ButtonStates)
        addButton(idOf(state), QStringLiteral("filter") + stateLabel(state));
    m_group->button(AllId)->setChecked(true);
    connect(m_group, &QButtonGroup::idClicked, this, &FilterBar::applyButton);
    if (JobTableModel *model = m_proxy->jobModel())
        connect(model, &JobTableModel::refreshed, this, &FilterBar::showCounts);

    m_search->setObjectName(QStringLiteral("searchField"));
    m_search->setPlaceholderText(tr("Search name or command"));
    m_search->setClearButtonEnabled(true);
    m_search->setMinimumWidth(160);
    // The spare width goes to the field first, until its placeholder and the
    // clear button fit; the gap before it takes the rest.
    m_search->setMaximumWidth(m_search->fontMetrics().horizontalAdvance(m_search->placeholderText())
                              + 60);
    layout->addStretch(0);
    layout->addWidget(m_search, 1);
    m_searchDelay.setSingleShot(true);
    m_searchDelay.setInterval(150);
    connect(&m_searchDelay, &QTimer::timeout, this, &FilterBar::applySearch);
    connect(m_search, &QLineEdit::textChanged, &m_searchDelay, qOverload<>(&QTimer::start));
    connect(m_search, &QLineEdit::returnPressed, this, &FilterBar::applySearch);
}

void FilterBar::setCounts(const StateCounts &counts)
{
    m_runnerCounts = counts;
    showCounts();
}

void FilterBar::showCounts()
{
    // The runner's counts are ahead of the table's rows; they are only
    // exact for the table when nothing is searched.
    const StateCounts counts
        = m_proxy->searchText().isEmpty() ? m_runnerCounts : m_proxy->searchCounts();
    std::array<int, JobStateCount + 1> fresh {};
    for (int state = 0; state < JobStateCount; ++state) {
        fresh[size_t(1 + state)] = counts[size_t(state)];
        fresh[AllId] += counts[size_t(state)];
    }
    bool changed = false;
    for (int id = 0; id <= JobStateCount; ++id) {
        if (fresh[size_t(id)] != m_counts[size_t(id)]) {
            m_group->button(id)->setText(buttonText(id, fresh[size_t(id)]));
            m_group->button(id)->setToolTip(toolTip(id, fresh[size_t(id)]));
            changed = true;
        }
    }
    m_counts = fresh;
    if (changed)
        updateCompact();
}

QSize FilterBar::minimumSizeHint() const
{
    // Compact: the state buttons show their icons only (the counts go to
    // the tooltips), so the bar never makes the window wider than 800 px.
    int width = m_search->minimumWidth();
    const int icon = style()->pixelMetric(QStyle::PM_SmallIconSize) + 10;
    for (QAbstractButton *button : m_group->buttons())
        width += (m_group->id(button) == AllId ? button->sizeHint().width() : icon) + 2;
    return {width, QWidget::minimumSizeHint().height()};
}

void FilterBar::resizeEvent(QResizeEvent *event)
{
    QWidget::resizeEvent(event);
    updateCompact();
}

void FilterBar::updateCompact()
{
    int full = m_search->minimumWidth();
    const int icon = style()->pixelMetric(QStyle::PM_SmallIconSize) + 16;
    for (QAbstractButton *button : m_group->buttons())
        full += button->fontMetrics().horizontalAdvance(button->text()) + icon + 2;
    const bool compact = width() < full;
    for (QAbstractButton *button : m_group->buttons()) {
        if (m_group->id(button) != AllId) {
            static_cast<QToolButton *>(button)->setToolButtonStyle(
                compact ? Qt::ToolButtonIconOnly : Qt::ToolButtonTextBesideIcon);
        }
    }
}

void FilterBar::selectStates(JobStateSet states)
{
    for (JobState state : ButtonStates)
        m_group->button(idOf(state))->setChecked(states.test(size_t(state)));
    m_group->button(AllId)->setChecked(states.none());
    m_proxy->setStateFilter(states);
}

QToolButton *FilterBar::button(std::optional<JobState> state) const
{
    return static_cast<QToolButton *>(m_group->button(state ? idOf(*state) : AllId));
}

void FilterBar::addButton(int id, const QString &objectName)
{
    auto *button = new QToolButton(this);
    button->setObjectName(objectName);
    button->setCheckable(true);
    button->setAutoRaise(true);
    button->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    button->setText(buttonText(id, 0));
    if (id != AllId)
        button->setIcon(stateIcon(JobState(id - 1)));
    m_group->addButton(button, id);
    layout()->addWidget(button);
}

void FilterBar::applyButton(int id)
{
    if (id == AllId)
        return selectStates({});
    JobStateSet states;
    for (JobState state : ButtonStates) {
        if (m_group->button(idOf(state))->isChecked())
            states.set(size_t(state));
    }
    selectStates(states);
}

void FilterBar::applySearch()
{
    m_searchDelay.stop();
    if (m_proxy->setSearchText(m_search->text()))
        showCounts();
}

QString FilterBar::toolTip(int id, int count)
{
    if (id == AllId)
        return tr("%1: every state").arg(buttonText(id, count));
    return tr("%1: click to show or hide these jobs next to the other checked states")
        .arg(buttonText(id, count));
}

QString FilterBar::buttonText(int id, int count)
{
    const QString label = id == AllId ? tr("All") : stateLabel(JobState(id - 1));
    return QStringLiteral("%1 (%2)").arg(label).arg(count);
}

} // namespace requeue
