#include "textjoblistparser.h"

#include "parsehelpers_p.h"

#include <cstring>

using namespace Qt::StringLiterals;

namespace requeue {

namespace {

bool isBlank(char c)
{
    return c == ' ' || c == '\t';
}

// If the comment `line` (starting at its '#') is "#name: NAME", returns true
// and sets `name` (trimmed, possibly empty).
bool parseNameComment(const char *line, qsizetype size, QString *name)
{
    qsizetype i = 1; // past '#'
    while (i < size && isBlank(line[i]))
        ++i;
    constexpr char tag[] = "name:";
    constexpr qsizetype tagSize = sizeof(tag) - 1;
    if (size - i < tagSize || std::memcmp(line + i, tag, tagSize) != 0)
        return false;
    i += tagSize;
    qsizetype end = size;
    while (i < end && isBlank(line[i]))
        ++i;
    while (end > i && isBlank(line[end - 1]))
        --end;
    *name = detail::fromUtf8KeepingBom(line + i, end - i);
    return true;
}

class TextParser
{
public:
    TextParser(JobList *list, const QString &fileName)
        : m_list(list)
        , m_errors(&list->errors, fileName)
    { }

    void parse(const QByteArray &data);

private:
    void parseLine(const char *line, qsizetype size);
    void finishJob(const char *tail, qsizetype size);
    void error(int column, const QString &message) { m_errors.add(m_lineNumber, column, message); }

    JobList *m_list; // Not owning.
    detail::ErrorCollector m_errors;
    int m_lineNumber = 0;
    int m_seq = 0;

    // The "#name:" comment on the previous line, if any.
    QString m_pendingName;
    int m_pendingNameLine = 0;

    // The job being read, while its lines end in a backslash.
    bool m_continuing = false;
    bool m_jobBroken = false; // an error was reported for one of its lines
    QByteArray m_continued;   // its lines so far, backslash-newlines removed
    QString m_jobName;
    bool m_jobNamed = false; // by a "#name:" comment
    int m_backslashLine = 0; // where the last continuation backslash was
    int m_backslashColumn = 0;
};

void TextParser::parse(const QByteArray &data)
{
    const char *p = data.constData();
    const char *const end = p + data.size();
    if (data.startsWith("\xEF\xBB\xBF"))
        p += 3;
    // On to the end even once the errors are too many to list: the last
    // line says how many more there are.
    while (p < end) {
        const auto *newline = static_cast<const char *>(std::memchr(p, '\n', size_t(end - p)));
        const char *lineEnd = newline ? newline : end;
        ++m_lineNumber;
        qsizetype size = lineEnd - p;
        if (size > 0 && p[size - 1] == '\r')
            --size;
        parseLine(p, size);
        p = newline ? newline + 1 : end;
    }
    if (m_continuing) {
        m_errors.add(m_backslashLine, m_backslashColumn,
                     u"the line ends with a backslash, but no line follows to continue it"_s);
    }
    m_errors.finishCounting();
    if (m_errors.isEmpty() && m_list->jobs.isEmpty())
        m_errors.add(0, 0, u"no jobs found"_s);
    m_list->errorCount = m_errors.total();
    if (!m_errors.isEmpty())
        m_list->jobs.clear();
}

void TextParser::parseLine(const char *line, qsizetype size)
{
    if (size > MaxJobLineLength) {
        error(1,
              u"the line is too long (%1; lines can be at most %2)"_s.arg(
                  detail::formatByteSize(size), detail::formatByteSize(MaxJobLineLength)));
        // Whatever it continued is lost; whether it continues is unknowable.
        m_continuing = false;
        m_jobBroken = false;
        m_continued.clear();
        return;
    }
    const qsizetype bad = detail::findInvalidUtf8(line, size);
    if (bad >= 0) {
        const int column = detail::countCodePoints(line, bad) + 1;
        if (line[bad] == 0)
            error(column, u"the line contains a NUL byte"_s);
        else
            error(column, u"invalid UTF-8 ("_s + detail::describeByte(line[bad]) + u')');
    }

    if (!m_continuing) {
        qsizetype first = 0;
        while (first < size && isBlank(line[first]))
            ++first;
        if (first == size) { // blank
            m_pendingNameLine = 0;
            return;
        }
        if (line[first] == '#') { // a comment; never continued
            QString name;
            if (bad < 0 && parseNameComment(line + first, size - first, &name)) {
                if (name.isEmpty()) {
                    error(detail::countCodePoints(line, first) + 1, u"\"#name:\" has no name"_s);
                    m_pendingNameLine = 0;
                } else {
                    m_pendingName = name;
                    m_pendingNameLine = m_lineNumber;
                }
            } else {
                m_pendingNameLine = 0;
            }
            return;
        }
        // The first line of a job.
        m_jobBroken = bad >= 0;
        m_jobNamed = m_pendingNameLine == m_lineNumber - 1 && m_pendingNameLine > 0;
        m_jobName = m_jobNamed ? m_pendingName : QString::number(m_lineNumber);
        m_pendingNameLine = 0;
    } else if (bad >= 0) {
        m_jobBroken = true;
    }

    // An odd number of trailing backslashes continues the line, like sh.
    qsizetype backslashes = 0;
    while (backslashes < size && line[size - 1 - backslashes] == '\\')
        ++backslashes;
    if (backslashes % 2 == 1) {
        if (!m_jobBroken) {
            if (m_continued.size() + size - 1 > MaxJobLineLength) {
                error(1,
                      u"the command is too long (its continued lines add up to more than %1)"_s.arg(
                          detail::formatByteSize(MaxJobLineLength)));
                m_jobBroken = true;
                m_continued.clear();
            } else {
                m_continued.append(line, size - 1);
            }
        }
        m_continuing = true;
        m_backslashLine = m_lineNumber;
        m_backslashColumn = detail::countCodePoints(line, size - 1) + 1;
        return;
    }
    finishJob(line, size);
}

void TextParser::finishJob(const char *tail, qsizetype size)
{
    const bool wasContinuing = m_continuing;
    m_continuing = false;
    if (m_jobBroken || !m_errors.isEmpty()) {
        // Nothing will run: keep checking the rest, but build nothing.
        m_jobBroken = false;
        m_continued.clear();
        return;
    }
    JobListEntry entry;
    if (wasContinuing) {
        if (m_continued.size() + size > MaxJobLineLength) {
            error(1,
                  u"the command is too long (its continued lines add up to more than %1)"_s.arg(
                      detail::formatByteSize(MaxJobLineLength)));
            m_continued.clear();
            return;
        }
        m_continued.append(tail, size);
        entry.spec.process.shellCommand
            = detail::fromUtf8KeepingBom(m_continued.constData(), m_continued.size());
        m_continued.clear();
    } else {
        entry.spec.process.shellCommand = detail::fromUtf8KeepingBom(tail, size);
    }
    entry.spec.seq = ++m_seq;
    entry.spec.name = m_jobName;
    entry.named = m_jobNamed;
    m_list->jobs.append(std::move(entry));
}

} // namespace

JobList parseTextJobList(const QByteArray &data, const QString &fileName)
{
    JobList list;
    list.path = fileName;
    TextParser parser(&list, fileName);
    parser.parse(data);
    return list;
}

} // namespace requeue
