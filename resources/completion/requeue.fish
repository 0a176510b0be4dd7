# fish completion for requeue(1). Installed as
# /usr/share/fish/vendor_completions.d/requeue.fish; tst_completion checks it
# against `requeue --help` and `requeue COMMAND --help`.

set -l commands run runs show resume ctl report

# No command yet: global options, the commands, or a job list for the window.
complete -c requeue -n "not __fish_seen_subcommand_from $commands" -s h -s '?' -l help -d 'Print help and exit'
complete -c requeue -n "not __fish_seen_subcommand_from $commands" -s v -l version -d 'Print the version and exit'
complete -c requeue -n "not __fish_seen_subcommand_from $commands" -a run -d 'Run the jobs of a file without a window'
complete -c requeue -n "not __fish_seen_subcommand_from $commands" -a runs -d 'List the recorded runs'
complete -c requeue -n "not __fish_seen_subcommand_from $commands" -a show -d 'Summarise one recorded run'
complete -c requeue -n "not __fish_seen_subcommand_from $commands" -a resume -d 'Run again what did not succeed'
complete -c requeue -n "not __fish_seen_subcommand_from $commands" -a ctl -d 'Steer a live run'
complete -c requeue -n "not __fish_seen_subcommand_from $commands" -a report -d 'Write an HTML report of a run'

# requeue run [options] FILE (FILE: any file, fish's default)
set -l run '__fish_seen_subcommand_from run'
complete -c requeue -n $run -s h -s '?' -l help -d 'Print the options of requeue run'
complete -c requeue -n $run -s j -l jobs -x -a '1 2 4 8 16' -d 'Run up to N jobs at once'
complete -c requeue -n $run -l max-attempts -x -a '0 1 2 3 5 10' -d 'Attempts per job, 0 = unlimited'
complete -c requeue -n $run -l retries -x -a '0 1 2 3 5 10' -d 'Same as --max-attempts'
complete -c requeue -n $run -l backoff -x -a 'none fixed:1s fixed:10s exp:100ms:30s exp:1s:5m' -d 'Delay between attempts'
complete -c requeue -n $run -l jitter -d 'Draw each backoff delay at random'
complete -c requeue -n $run -l timeout -x -a '250ms 10s 30s 1m 5m 30m 1h' -d 'Stop an attempt after DUR'
complete -c requeue -n $run -l deadline -x -a '1m 5m 30m 1h 12h' -d 'Cancel what is left after DUR'
complete -c requeue -n $run -l no-retry-exit -x -a '1 2 2,64-78 126,127' -d 'Exit codes that end a job at once'
complete -c requeue -n $run -l joblog -r -F -d 'GNU parallel joblog file'
complete -c requeue -n $run -l resume -d 'Skip jobs the joblog shows succeeded or given up'
complete -c requeue -n $run -l resume-failed -d 'Skip jobs the joblog shows succeeded'
complete -c requeue -n $run -l results -x -a '(__fish_complete_directories)' -d 'Keep each attempt\'s output in DIR'
complete -c requeue -n $run -l summary-json -r -F -d 'Write a JSON summary to FILE'
complete -c requeue -n $run -l run-dir -x -a '(__fish_complete_directories)' -d 'Record the run in DIR'
complete -c requeue -n $run -l report -r -F -d 'Write an HTML report to FILE'
complete -c requeue -n $run -s q -l quiet -d 'No progress bar'
complete -c requeue -n $run -l backend -x -a 'local slurm' -d 'Where jobs run'
complete -c requeue -n $run -l poll -x -a '1s 5s 30s' -d 'Slurm: poll squeue this often'
complete -c requeue -n $run -l cpus -x -a '1 2 4 8' -d 'Slurm: CPUs per job, one per attempt'
complete -c requeue -n $run -l mem -x -a '512M 1G 4G 16G 1G,4G,16G' -d 'Slurm: memory per job, one per attempt'
complete -c requeue -n $run -l time -x -a '10m 1h 12h 10m,1h' -d 'Slurm: time limit per job, one per attempt'
complete -c requeue -n $run -l partition -x -d 'Slurm: partition'
complete -c requeue -n $run -l account -x -d 'Slurm: account'
complete -c requeue -n $run -l qos -x -d 'Slurm: quality of service'
complete -c requeue -n $run -l gpus -x -d 'Slurm: GPUs per job'
complete -c requeue -n $run -l sbatch-args -x -d 'Slurm: more sbatch arguments'
complete -c requeue -n $run -l output -x -a 'group tag none' -d 'The jobs\' output on the terminal'
complete -c requeue -n $run -l halt -x -a 'never now,fail=1 soon,fail=1 now,fail=10% soon,fail=10%' -d 'Stop early once jobs fail'

# requeue runs [options]
set -l runs '__fish_seen_subcommand_from runs'
complete -c requeue -n $runs -f
complete -c requeue -n $runs -s h -s '?' -l help -d 'Print the options of requeue runs'
complete -c requeue -n $runs -l json -d 'Print JSON instead of a table'
complete -c requeue -n $runs -l prune -d 'Remove all but the newest runs'
complete -c requeue -n $runs -l keep -x -a '10 50 100' -d 'With --prune: runs to keep'
complete -c requeue -n $runs -l max-size -x -a '100M 500M 1G 10G' -d 'With --prune: at most SIZE in all'

# requeue show [options] RUN, requeue resume [options] RUN
set -l run_ids '(ls (set -q XDG_STATE_HOME; and echo $XDG_STATE_HOME; or echo ~/.local/state)/requeue/runs 2>/dev/null)'
set -l show '__fish_seen_subcommand_from show'
complete -c requeue -n $show -a $run_ids
complete -c requeue -n $show -s h -s '?' -l help -d 'Print the options of requeue show'
complete -c requeue -n $show -l json -d 'Print the summary as --summary-json does'
set -l resume '__fish_seen_subcommand_from resume'
complete -c requeue -n $resume -a $run_ids
complete -c requeue -n $resume -s h -s '?' -l help -d 'Print the options of requeue resume'
complete -c requeue -n $resume -s j -l jobs -x -a '1 2 4 8 16' -d 'Run up to N jobs at once'
complete -c requeue -n $resume -l summary-json -r -F -d 'Write a JSON summary to FILE'
complete -c requeue -n $resume -s q -l quiet -d 'No progress bar'

# requeue ctl RUN COMMAND [JOB... | N]
set -l ctl '__fish_seen_subcommand_from ctl'
complete -c requeue -n $ctl -f
complete -c requeue -n $ctl -s h -s '?' -l help -d 'Print the options of requeue ctl'
complete -c requeue -n $ctl -a $run_ids
complete -c requeue -n $ctl -a 'status retry cancel retry-failed cancel-all pause resume workers'
# requeue report [options] RUN (RUN: a run id, a run directory or a joblog)
set -l report '__fish_seen_subcommand_from report'
complete -c requeue -n $report -a $run_ids
complete -c requeue -n $report -s h -l help -d 'Print the options of requeue report'
complete -c requeue -n $report -s o -l output -r -F -d 'The HTML file to write'
complete -c requeue -n $report -l results -x -a '(__fish_complete_directories)' -d 'Where the run kept its outputs'
