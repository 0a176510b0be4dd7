#!/usr/bin/env bash
# A single-node Slurm cluster for the tests: munged, slurmctld and slurmd,
# each in the foreground of its own background process, with a fresh state
# folder every time, stopped by PID.
#
#   cluster.sh start DIR   start it; DIR/env then holds `export SLURM_CONF=...`
#   cluster.sh stop DIR    stop what `start DIR` started and remove DIR
#
# Needs root (slurmd runs jobs as their submitter) and the slurm-wlm and munge
# packages (requeue.sh installs them). slurmctld listens on REQUEUE_SLURM_PORT
# and slurmd on the next port; by default the first free pair from 6817, so
# that two checkouts' clusters never answer for each other.
set -euo pipefail

die() { echo "cluster.sh: $*" >&2; exit 1; }

wait_for() { # seconds, command...
    local deadline=$((SECONDS + $1)); shift
    until "$@" >/dev/null 2>&1; do
        [ $SECONDS -lt $deadline ] || return 1
        sleep 0.1
    done
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

free_port_pair() {
    local port
    for ((port = 6817; port < 7017; port += 2)); do
        if ! port_in_use "$port" && ! port_in_use $((port + 1)); then
            echo "$port"
            return
        fi
    done
    die "no free port pair between 6817 and 7017"
}

write_config() { # dir munge-dir
    local dir=$1 munge=$2 node memory cpus port
    node=$(hostname -s)
    # REQUEUE_SLURM_CPUS: a node of more CPUs than the machine has (a
    # benchmark's jobs that only sleep), as a small cluster offers.
    cpus=${REQUEUE_SLURM_CPUS:-$(nproc)}
    memory=$(( $(awk '/MemTotal/ {print $2}' /proc/meminfo) / 1024 / 2 ))
    port=${REQUEUE_SLURM_PORT:-$(free_port_pair)}
    cat > "$dir/slurm.conf" <<CONF
ClusterName=requeue-test
SlurmctldHost=$node
SlurmUser=root
SlurmdUser=root
SlurmctldPort=$port
SlurmdPort=$((port + 1))
AuthType=auth/munge
AuthInfo=socket=$munge/munge.socket
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pidfile
SlurmdPidFile=$dir/slurmd.pidfile
SlurmctldLogFile=$dir/slurmctld.log
SlurmdLogFile=$dir/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
DefMemPerCPU=100
JobAcctGatherType=jobacct_gather/linux
JobAcctGatherFrequency=task=1
JobAcctGatherParams=OverMemoryKill
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MinJobAge=600
ReturnToService=2
MpiDefault=none
SchedulerType=sched/backfill
SchedulerParameters=sched_interval=1
SlurmctldTimeout=30
SlurmdTimeout=30
InactiveLimit=0
KillWait=2
$( [ "$cpus" -gt "$(nproc)" ] && echo SlurmdParameters=config_overrides )
NodeName=$node CPUs=$cpus RealMemory=$memory State=UNKNOWN
PartitionName=debug Nodes=$node Default=YES MaxTime=INFINITE State=UP
CONF
}

start() { # dir
    local dir=$1
    [ "$(id -u)" -eq 0 ] || die "needs root"
    command -v slurmctld >/dev/null || die "slurm-wlm is not installed"
    command -v munged >/dev/null || die "munge is not installed"
    mkdir -p "$dir"
    dir=$(cd "$dir" && pwd)
    mkdir -p "$dir/state" "$dir/spool"
    # munged runs as its own user, which must reach its folder: DIR may be
    # inside a private (0700) folder, so it lives in /tmp.
    local munge
    munge=$(mktemp -d /tmp/requeue-munge.XXXXXX)
    echo "$munge" > "$dir/munge-dir"
    chown munge:munge "$munge"
    chmod 0711 "$munge"
    write_config "$dir" "$munge"

    # setpriv execs munged itself, so that its PID is the one to stop.
    setpriv --reuid=munge --regid=munge --init-groups -- \
        /usr/sbin/munged --foreground --force >"$dir/munged.out" 2>&1 \
        --socket="$munge/munge.socket" --pid-file="$munge/munged.pid" \
        --log-file="$munge/munged.log" --seed-file="$munge/munged.seed" &
    echo $! > "$dir/munged.pid"
    wait_for 10 munge -S "$munge/munge.socket" -n || die "munged did not start (see $munge/munged.log)"

    export SLURM_CONF="$dir/slurm.conf"
    /usr/sbin/slurmctld -D -i -f "$SLURM_CONF" >"$dir/slurmctld.out" 2>&1 &
    echo $! > "$dir/slurmctld.pid"
    /usr/sbin/slurmd -D -f "$SLURM_CONF" >"$dir/slurmd.out" 2>&1 &
    echo $! > "$dir/slurmd.pid"
    echo "export SLURM_CONF=$SLURM_CONF" > "$dir/env"
    DIR=$dir
    if ! wait_for 30 node_is_idle; then
        sinfo >&2 || true
        tail -n 20 "$dir/slurmctld.log" "$dir/slurmd.log" >&2 || true
        stop "$dir"
        die "the node did not become idle within 30 s"
    fi
}

# Ours, not another cluster's answering on the same port.
node_is_idle() {
    kill -0 "$(cat "$DIR/slurmctld.pid")" && kill -0 "$(cat "$DIR/slurmd.pid")" \
        && sinfo -h -o %T | grep -qx idle
}

stop_pid() { # pidfile
    [ -f "$1" ] || return 0
    local pid; pid=$(cat "$1")
    kill -TERM "$pid" 2>/dev/null || return 0
    for _ in $(seq 100); do
        kill -0 "$pid" 2>/dev/null || return 0
        sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null || true
}

stop() { # dir
    local dir=$1
    [ -d "$dir" ] || return 0
    stop_pid "$dir/slurmd.pid"
    stop_pid "$dir/slurmctld.pid"
    # slurmstepd processes of jobs still running die with their jobs' steps.
    pkill -TERM -f "slurmstepd.*$dir" 2>/dev/null || true
    stop_pid "$dir/munged.pid"
    [ -f "$dir/munge-dir" ] && rm -rf "$(cat "$dir/munge-dir")"
    rm -rf "$dir"
}

case "${1:-}" in
    start) [ $# -eq 2 ] || die "usage: cluster.sh start DIR"; start "$2" ;;
    stop) [ $# -eq 2 ] || die "usage: cluster.sh stop DIR"; stop "$2" ;;
    *) die "usage: cluster.sh start|stop DIR" ;;
esac
