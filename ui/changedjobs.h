#pragma once

#include "jobstate.h"

#include <QList>

#include <algorithm>
#include <iterator>

namespace requeue {

// The jobs a view has yet to follow from the runner's change feed: the
// feed's ascending id lists merged into one, handed out a chunk at a time.
// A run can finish thousands of jobs between two feed ticks; a view that
// takes chunks for at most PassBudgetMs per event-loop pass, and lets the
// loop run before it goes on, never holds up the GUI thread for long
// (JobTableModel, TimelineView). A value type, used in the GUI thread.
class ChangedJobs
{
public:
    static constexpr qsizetype ChunkSize = 256;
    static constexpr int PassBudgetMs = 4;

    // `ids` ascend, as jobsChanged() gives them.
    void add(const QList<JobId> &ids)
    {
        if (isEmpty()) {
            m_ids = ids;
        } else {
            QList<JobId> merged;
            merged.reserve(m_ids.size() - m_next + ids.size());
            std::set_union(m_ids.cbegin() + m_next, m_ids.cend(), ids.cbegin(), ids.cend(),
                           std::back_inserter(merged));
            m_ids = std::move(merged);
        }
        m_next = 0;
    }
    // The next (at most) `limit` ids, ascending.
    QList<JobId> take(qsizetype limit = ChunkSize)
    {
        const qsizetype count = std::min(limit, m_ids.size() - m_next);
        const QList<JobId> chunk = m_ids.mid(m_next, count);
        m_next += count;
        if (isEmpty())
            clear();
        return chunk;
    }
    bool isEmpty() const { return m_next >= m_ids.size(); }
    void clear()
    {
        m_ids.clear();
        m_next = 0;
    }

private:
    QList<JobId> m_ids; // handed out up to m_next
    qsizetype m_next = 0;
};

} // namespace requeue
