// A Slurm run on a computer without sbatch: the studio still writes every file of the run (batch
// script, per-machine script, Accelerate config, the plain multi-machine command, the trainer's run
// files and the exported data) and records what to copy and what to type, so the screen can say
// "written, not submitted" with the paths and the commands instead of failing the run.
import { existsSync, readFileSync } from 'node:fs'
import { join, posix } from 'node:path'
import { writeFileAtomicSync } from '../../../../fs/atomic-write'
import { slurmLayout } from './script'

export const WRITTEN_FILE = 'written.json'

export interface WrittenRun {
  /** The run folder on this computer; the files below are inside it. */
  runDir: string
  files: { label: string; path: string }[]
  /** What to type on the cluster's login machine. */
  submit: string
  /** The same run without Slurm: the command for every machine (launch-multinode.sh). */
  launch: string
  /** What the files assume about the cluster, in words. */
  note: string
  at: string
}

const shellQuote = (s: string): string => `'${s}'`

/** Records the written files of a Slurm run that was not submitted; returns the record. */
export function recordWritten(runDir: string, tasks: number, dataFile: string, paths: { envDir: string; sourceDir: string; modelDir: string }): WrittenRun {
  const script = slurmLayout.script(runDir)
  const launchFile = posix.join(runDir, 'slurm', 'launch-multinode.sh')
  const record: WrittenRun = {
    runDir,
    files: [
      { label: 'Batch script', path: script },
      { label: 'Per-machine script', path: slurmLayout.nodeScript(runDir) },
      { label: 'Accelerate config', path: slurmLayout.accelerate(runDir) },
      { label: 'Multi-machine launch command', path: launchFile },
      ...Array.from({ length: tasks }, (_, task) => ({ label: tasks > 1 ? `Trainer settings, task ${task}` : 'Trainer settings', path: slurmLayout.runFile(runDir, task) })),
      { label: 'Training data (PopAlignSDXL CSV)', path: dataFile }
    ],
    submit: `sbatch ${shellQuote(script)}`,
    launch: readFileSync(launchFile, 'utf8').trim(),
    note:
      `The files name this computer's paths: the run folder, the base model (${paths.modelDir}), the images the data lists, ` +
      `the trainer environment (${paths.envDir}) and its source (${paths.sourceDir}). Copy them to the same paths on the cluster, ` +
      'or submit from a machine that shares this folder.',
    at: new Date().toISOString()
  }
  writeFileAtomicSync(join(runDir, 'slurm', WRITTEN_FILE), JSON.stringify(record, null, 2) + '\n')
  return record
}

/** The record of a run that was written and not submitted, or null. */
export function readWritten(runDir: string): WrittenRun | null {
  const file = join(runDir, 'slurm', WRITTEN_FILE)
  if (!existsSync(file)) return null
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as WrittenRun
  } catch {
    return null
  }
}

/** The job's closing line for a written run. */
export function writtenMessage(w: WrittenRun): string {
  return `written, not submitted: sbatch is not on this computer. Copy the run's files to your cluster and run: ${w.submit}`
}
