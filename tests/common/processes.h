#pragma once

// What /proc says about processes, for tests that check none is left behind.
// Reads without Qt, so that polling is cheap.

#include <QByteArray>
#include <QList>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

namespace requeue::test {

struct ProcStat
{
    bool exists = false;
    char state = 0;
    int pgrp = 0;
};

// Reads /proc/<pid>/stat without Qt, so that polling it is cheap.
inline ProcStat procStat(const char *statPath)
{
    ProcStat result;
    const int fd = ::open(statPath, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return result;
    char buffer[512];
    const ssize_t size = ::read(fd, buffer, sizeof buffer - 1);
    ::close(fd);
    if (size <= 0)
        return result;
    buffer[size] = '\0';
    // "pid (comm) state ppid pgrp ...": comm may hold spaces and parentheses.
    const char *close = std::strrchr(buffer, ')');
    if (!close)
        return result;
    char state = 0;
    int ppid = 0;
    int pgrp = 0;
    if (std::sscanf(close + 1, " %c %d %d", &state, &ppid, &pgrp) != 3)
        return result;
    result.exists = true;
    result.state = state;
    result.pgrp = pgrp;
    return result;
}

inline ProcStat procStat(int pid)
{
    return procStat(QByteArray("/proc/" + QByteArray::number(pid) + "/stat").constData());
}

// A killed process may linger as a zombie until its parent (init, for orphans)
// reaps it; it runs nothing any more, so it counts as gone.
inline bool isLive(const ProcStat &stat)
{
    return stat.exists && stat.state != 'Z' && stat.state != 'X';
}

inline bool isRunning(int pid)
{
    return isLive(procStat(pid));
}

// Every live process whose process group is `pgid`.
inline QList<int> liveGroupMembers(int pgid)
{
    QList<int> members;
    DIR *proc = ::opendir("/proc");
    if (!proc)
        return members;
    while (const dirent *entry = ::readdir(proc)) {
        if (entry->d_name[0] < '1' || entry->d_name[0] > '9')
            continue;
        char path[sizeof "/proc//stat" + sizeof entry->d_name];
        std::snprintf(path, sizeof path, "/proc/%s/stat", entry->d_name);
        const ProcStat stat = procStat(path);
        if (isLive(stat) && stat.pgrp == pgid)
            members.append(std::atoi(entry->d_name));
    }
    ::closedir(proc);
    return members;
}

} // namespace requeue::test
