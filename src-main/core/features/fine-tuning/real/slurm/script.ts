// The files a real-model fine-tune becomes on a cluster: a Slurm batch script (one array task per β of
// a sweep; on each machine of a task one `accelerate launch` that starts that machine's processes,
// all meeting at the task's first machine), the Accelerate config it names, and the same launch as a
// plain command for machines without Slurm. Deterministic text (no dates), so golden files can pin it.
import { posix } from 'node:path'
import { accelerateConfig, parseRealSettings, type RealFinetuneSettings } from '../settings'
import { assertSafePath, taskBetas, type SlurmSettings } from './settings'

/** The run folder's layout for a Slurm run (shared by the script, the job and the follower). */
export const slurmLayout = {
  script: (runDir: string) => posix.join(runDir, 'slurm', 'popalign.sbatch'),
  nodeScript: (runDir: string) => posix.join(runDir, 'slurm', 'node.sh'),
  accelerate: (runDir: string) => posix.join(runDir, 'slurm', 'accelerate.yaml'),
  stdout: (runDir: string, task: number) => posix.join(runDir, 'slurm', `task-${task}.out`),
  stderr: (runDir: string, task: number) => posix.join(runDir, 'slurm', `task-${task}.err`),
  taskDir: (runDir: string, task: number) => posix.join(runDir, 'tasks', String(task)),
  runFile: (runDir: string, task: number) => posix.join(runDir, 'tasks', String(task), 'trainer-run.json')
}

export interface ClusterPaths {
  /** The run folder as the cluster sees it (the studio's own on a shared filesystem). */
  runDir: string
  /** The trainer's venv and resources/python on the cluster. */
  envDir: string
  sourceDir: string
}

/** Processes on each machine: its GPUs, or the settings' CPU processes when it has none. */
export function processesPerNode(settings: RealFinetuneSettings, slurm: SlurmSettings): number {
  return slurm.gpusPerNode > 0 ? slurm.gpusPerNode : settings.processes
}

/** The trainer settings as the whole cluster run sees them: every process of every machine, CPU when no GPUs. */
export function clusterSettings(settings: RealFinetuneSettings, slurm: SlurmSettings): RealFinetuneSettings {
  return parseRealSettings({ ...settings, cpu: slurm.gpusPerNode === 0, processes: slurm.nodes * processesPerNode(settings, slurm) })
}

/** slurm/accelerate.yaml: one machine's view; the machine count, rank and meeting point come from the command line. */
export function clusterAccelerateConfig(settings: RealFinetuneSettings, slurm: SlurmSettings): string {
  return accelerateConfig(clusterSettings(settings, slurm))
}

const q = (s: string): string => `'${s}'`

function checkPaths(p: ClusterPaths): void {
  assertSafePath(p.runDir, 'the run folder')
  assertSafePath(p.envDir, 'the trainer environment')
  assertSafePath(p.sourceDir, 'the trainer source folder')
}

export interface ScriptInfo {
  jobName: string
  /** One line for the script's header: what is trained on what. */
  description: string
}

/** The batch script (`sbatch popalign.sbatch`); task i trains tasks/i/trainer-run.json. */
export function slurmBatchScript(settings: RealFinetuneSettings, slurm: SlurmSettings, paths: ClusterPaths, info: ScriptInfo): string {
  checkPaths(paths)
  const s = clusterSettings(settings, slurm)
  const betas = taskBetas(slurm, settings.beta)
  const accelerate = posix.join(paths.envDir, 'bin', 'accelerate')
  const directives = [
    `--job-name=${info.jobName}`,
    ...(slurm.partition ? [`--partition=${slurm.partition}`] : []),
    ...(slurm.account ? [`--account=${slurm.account}`] : []),
    `--nodes=${slurm.nodes}`,
    '--ntasks-per-node=1',
    ...(slurm.gpusPerNode > 0 ? [`--gpus-per-node=${slurm.gpusPerNode}`] : []),
    `--cpus-per-task=${slurm.cpusPerTask}`,
    `--time=${slurm.timeLimit}`,
    `--array=0-${betas.length - 1}`,
    `--output=${posix.join(paths.runDir, 'slurm', 'task-%a.out')}`,
    `--error=${posix.join(paths.runDir, 'slurm', 'task-%a.err')}`,
    // Two minutes before the time limit the trainer gets SIGTERM and writes a checkpoint to resume from.
    '--signal=TERM@120'
  ]
  return [
    '#!/bin/bash',
    `# Written by PopAlign Studio: ${info.description}.`,
    `# Array task i trains tasks/i/trainer-run.json (beta ${betas.join(', ')}); its progress is one JSON object per line in slurm/task-i.out.`,
    '# A resubmitted task resumes from its newest checkpoint.',
    ...directives.map((d) => `#SBATCH ${d}`),
    'set -euo pipefail',
    '',
    `RUN=${q(paths.runDir)}`,
    'TASK="${SLURM_ARRAY_TASK_ID:-0}"',
    `export PYTHONPATH=${q(paths.sourceDir)}`,
    'export PYTHONNOUSERSITE=1 PYTHONUNBUFFERED=1 HF_HUB_OFFLINE=1',
    ...(s.cpu ? ['export CUDA_VISIBLE_DEVICES='] : []),
    '# The processes of a task meet at its first machine, on a port of their own so array tasks sharing a machine do not collide.',
    'MAIN_HOST="$(scontrol show hostnames "$SLURM_JOB_NODELIST" | head -n 1)"',
    `MAIN_PORT=$(( ${slurm.mainPort} + TASK % 1000 ))`,
    '',
    '# scancel and the time limit send SIGTERM: this shell waits for srun (the trainer checkpoints and stops) instead of dying first.',
    'trap \'echo "popalign: SIGTERM, waiting for the trainer to checkpoint" >&2\' TERM',
    '',
    "# One node.sh per machine; it starts that machine's processes with accelerate launch.",
    `srun --ntasks-per-node=1 --kill-on-bad-exit=1 bash "$RUN/slurm/node.sh" ${q(accelerate)} "$RUN/slurm/accelerate.yaml" ${s.processes} "$MAIN_HOST" "$MAIN_PORT" "$RUN/tasks/$TASK/trainer-run.json"`,
    ''
  ].join('\n')
}

/**
 * slurm/node.sh, run once per machine by srun. Slurm's SIGTERM goes to every process of the step at
 * once, and accelerate's launcher answers it by killing the trainer 5 s later, too soon for a
 * checkpoint. So the launcher runs in a session of its own, this shell takes the SIGTERM and passes
 * it to the trainer processes only; they checkpoint at their next step and exit, and the launcher
 * with them, well within Slurm's KillWait.
 */
export function slurmNodeScript(): string {
  return [
    '#!/bin/bash',
    '# Written by PopAlign Studio: one machine of a Slurm task (popalign.sbatch starts it with srun).',
    '# Arguments: accelerate, config file, processes in all, first machine, port, trainer-run.json.',
    'set -uo pipefail',
    'setsid "$1" launch --config_file "$2" --num_machines "$SLURM_NNODES" --num_processes "$3" --machine_rank "$SLURM_NODEID" --main_process_ip "$4" --main_process_port "$5" -m popalign_trainer.train --config "$6" &',
    'LAUNCHER=$!',
    'trap \'pkill -TERM -P "$LAUNCHER"\' TERM',
    '# wait returns early when the trap runs; wait again until the launcher has exited, for its status.',
    'wait "$LAUNCHER"',
    'STATUS=$?',
    'while kill -0 "$LAUNCHER" 2>/dev/null; do',
    '  wait "$LAUNCHER"',
    '  STATUS=$?',
    'done',
    'exit "$STATUS"',
    ''
  ].join('\n')
}

/** The same run without Slurm: the command to type on every machine (rank 0 on the one named MAIN_HOST). */
export function multiNodeLaunchCommand(settings: RealFinetuneSettings, slurm: SlurmSettings, paths: ClusterPaths, task = 0): string {
  checkPaths(paths)
  const s = clusterSettings(settings, slurm)
  return [
    slurm.nodes === 1
      ? '# On one machine: MACHINE_RANK=0 MAIN_HOST=127.0.0.1.'
      : `# On each of the ${slurm.nodes} machines: MACHINE_RANK=0 on the first, ${slurm.nodes === 2 ? '1 on the second' : `1 to ${slurm.nodes - 1} on the others`}; MAIN_HOST is the first machine's address.`,
    [
      `PYTHONPATH=${q(paths.sourceDir)} PYTHONNOUSERSITE=1 PYTHONUNBUFFERED=1 HF_HUB_OFFLINE=1${s.cpu ? ' CUDA_VISIBLE_DEVICES=' : ''}`,
      q(posix.join(paths.envDir, 'bin', 'accelerate')),
      'launch --config_file',
      q(slurmLayout.accelerate(paths.runDir)),
      `--num_machines ${slurm.nodes} --num_processes ${s.processes} --machine_rank "$MACHINE_RANK" --main_process_ip "$MAIN_HOST" --main_process_port ${slurm.mainPort + task}`,
      '-m popalign_trainer.train --config',
      q(slurmLayout.runFile(paths.runDir, task))
    ].join(' '),
    ''
  ].join('\n')
}
