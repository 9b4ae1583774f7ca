#!/bin/bash
# Written by PopAlign Studio: one machine of a Slurm task (popalign.sbatch starts it with srun).
# Arguments: accelerate, config file, processes in all, first machine, port, trainer-run.json.
set -uo pipefail
setsid "$1" launch --config_file "$2" --num_machines "$SLURM_NNODES" --num_processes "$3" --machine_rank "$SLURM_NODEID" --main_process_ip "$4" --main_process_port "$5" -m popalign_trainer.train --config "$6" &
LAUNCHER=$!
trap 'pkill -TERM -P "$LAUNCHER"' TERM
# wait returns early when the trap runs; wait again until the launcher has exited, for its status.
wait "$LAUNCHER"
STATUS=$?
while kill -0 "$LAUNCHER" 2>/dev/null; do
  wait "$LAUNCHER"
  STATUS=$?
done
exit "$STATUS"
