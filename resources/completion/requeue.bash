# bash completion for requeue(1). Installed as
# /usr/share/bash-completion/completions/requeue; works without the
# bash-completion package too (source it). tst_completion checks it against
# `requeue --help` and `requeue COMMAND --help`.

_requeue_commands="run runs show resume ctl report"
_requeue_global_options="-h -? --help -v --version"
_requeue_run_options="-h -? --help -j --jobs --max-attempts --retries --backoff --jitter
    --timeout --deadline --no-retry-exit --joblog --resume --resume-failed --results
    --summary-json --run-dir --report -q --quiet --output --halt --backend --poll --cpus --mem
    --time --partition --account --qos --gpus --sbatch-args"
_requeue_runs_options="-h -? --help --json --prune --keep --max-size"
_requeue_show_options="-h -? --help --json"
_requeue_resume_options="-h -? --help -j --jobs --summary-json -q --quiet"
_requeue_ctl_options="-h -? --help"
_requeue_ctl_commands="status retry cancel retry-failed cancel-all pause resume workers"
_requeue_report_options="-h --help -o --output --results"
# Options whose value is the next word.
_requeue_value_options="-j --jobs --max-attempts --retries --backoff --timeout --deadline
    --no-retry-exit --joblog --results --summary-json --run-dir --report -o --output --halt
    --backend --poll --cpus --mem --time --partition --account --qos --gpus --sbatch-args --keep
    --max-size"

# Puts into COMPREPLY what may follow OPTION; returns 1 if OPTION takes no value.
_requeue_option_value()
{
    local option=$1 cur=$2 words=""
    case $option in
    -j | --jobs) words="1 2 4 8 16 $(nproc 2>/dev/null)" ;;
    --max-attempts | --retries) words="0 1 2 3 5 10" ;;
    --backoff) words="none fixed:1s fixed:10s exp:100ms:30s exp:1s:5m exp:1s:5m:3" ;;
    --timeout | --deadline) words="250ms 10s 30s 1m 5m 30m 1h 12h" ;;
    --no-retry-exit) words="1 2 2,64-78 126,127" ;;
    --backend) words="local slurm" ;;
    --poll) words="1s 5s 30s" ;;
    --cpus) words="1 2 4 8 1,2,4" ;;
    --mem) words="512M 1G 4G 16G 1G,4G,16G" ;;
    --time) words="10m 1h 12h 10m,1h" ;;
    --partition)
        words=$(sinfo -h -o %R 2>/dev/null)
        ;;
    --account | --qos | --gpus | --sbatch-args) words="" ;;
    --output) words="group tag none" ;;
    --halt) words="never now,fail=1 soon,fail=1 now,fail=10% soon,fail=10%" ;;
    --keep) words="10 50 100" ;;
    --max-size) words="100M 500M 1G 10G" ;;
    --joblog | --summary-json | --report | -o)
        compopt -o filenames 2>/dev/null
        mapfile -t COMPREPLY < <(compgen -f -- "$cur")
        return 0
        ;;
    --results | --run-dir)
        compopt -o filenames 2>/dev/null
        mapfile -t COMPREPLY < <(compgen -d -- "$cur")
        return 0
        ;;
    *) return 1 ;;
    esac
    mapfile -t COMPREPLY < <(compgen -W "$words" -- "$cur")
    return 0
}

# Job lists: any file (plain text), .json ones included, and folders to
# descend into.
_requeue_job_lists()
{
    compopt -o filenames 2>/dev/null
    mapfile -t COMPREPLY < <(compgen -f -- "$1")
}

# Run ids (the folders of $XDG_STATE_HOME/requeue/runs) and run directories.
_requeue_run_ids()
{
    local root=${XDG_STATE_HOME:-$HOME/.local/state}/requeue/runs
    mapfile -t COMPREPLY < <(compgen -W "$(ls "$root" 2>/dev/null)" -- "$1")
    local dirs
    mapfile -t dirs < <(compgen -d -- "$1")
    ((${#dirs[@]})) && compopt -o filenames 2>/dev/null
    COMPREPLY+=("${dirs[@]}")
}

# requeue report also takes a joblog: run ids, then any file or folder.
_requeue_runs_or_files()
{
    local root=${XDG_STATE_HOME:-$HOME/.local/state}/requeue/runs
    mapfile -t COMPREPLY < <(compgen -W "$(ls "$root" 2>/dev/null)" -- "$1")
    local files
    mapfile -t files < <(compgen -f -- "$1")
    ((${#files[@]})) && compopt -o filenames 2>/dev/null
    COMPREPLY+=("${files[@]}")
}

# Readline splits words at '=' and ':' (COMP_WORDBREAKS): joins them back
# so that "--jobs=4" and "exp:100ms:30s" are one word each.
_requeue_join_words()
{
    local i word
    _requeue_words=()
    for ((i = 0; i <= COMP_CWORD; i++)); do
        word=${COMP_WORDS[i]}
        if ((i > 1)) && [[ $word == [=:] || ${COMP_WORDS[i - 1]} == [=:] ]]; then
            _requeue_words[-1]+=$word
        else
            _requeue_words+=("$word")
        fi
    done
}

# Fills COMPREPLY with whole words for CUR (the joined word).
_requeue_complete()
{
    local cur=$1 prev=$2 command=$3
    if [[ -z $command ]]; then
        if [[ $cur == -* ]]; then
            mapfile -t COMPREPLY < <(compgen -W "$_requeue_global_options" -- "$cur")
        elif ((${#_requeue_words[@]} == 2)); then
            mapfile -t COMPREPLY < <(compgen -W "$_requeue_commands" -- "$cur")
            local files
            mapfile -t files < <(compgen -f -- "$cur")
            ((${#files[@]})) && compopt -o filenames 2>/dev/null
            COMPREPLY+=("${files[@]}")
        else
            _requeue_job_lists "$cur"
        fi
        return
    fi
    local options_var="_requeue_${command//-/_}_options"
    if [[ $cur == --*=* ]]; then
        _requeue_option_value "${cur%%=*}" "${cur#*=}"
        COMPREPLY=("${COMPREPLY[@]/#/${cur%%=*}=}")
    elif [[ $command == report && ($prev == -o || $prev == --output) ]]; then
        _requeue_option_value --report "$cur" # an HTML file, not run's --output
    elif [[ " $(echo $_requeue_value_options) " == *" $prev "* ]]; then
        _requeue_option_value "$prev" "$cur"
    elif [[ $cur == -* ]]; then
        mapfile -t COMPREPLY < <(compgen -W "${!options_var}" -- "$cur")
    elif [[ $command == show || $command == resume || ($command == ctl && $prev == ctl) ]]; then
        _requeue_run_ids "$cur"
    elif [[ $command == ctl && ${_requeue_words[-3]} == ctl ]]; then
        mapfile -t COMPREPLY < <(compgen -W "$_requeue_ctl_commands" -- "$cur")
    elif [[ $command == report ]]; then
        _requeue_runs_or_files "$cur"
    elif [[ $command == run ]]; then
        _requeue_job_lists "$cur"
    fi
}

_requeue()
{
    local _requeue_words command="" i word
    _requeue_join_words
    local count=${#_requeue_words[@]}
    local cur=${_requeue_words[count - 1]} prev=""
    ((count > 1)) && prev=${_requeue_words[count - 2]}
    COMPREPLY=()

    # The command is the first word that is not an option.
    for ((i = 1; i < count - 1; i++)); do
        word=${_requeue_words[i]}
        if [[ " $_requeue_commands " == *" $word "* ]]; then
            command=$word
            break
        fi
        [[ $word != -* ]] && break
    done
    _requeue_complete "$cur" "$prev" "$command"

    # Readline replaces only what follows the last '=' or ':' of the word.
    if [[ $cur == *[=:]* ]]; then
        local prefix=${cur%"${cur##*[=:]}"}
        COMPREPLY=("${COMPREPLY[@]#"$prefix"}")
    fi
    return 0
}

complete -F _requeue requeue
