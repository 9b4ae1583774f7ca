// Tidies a run folder before its job (re)starts, so what a kill left behind does not outlive the
// resume (issue 11, finding 10): temp files of checkpoints being written when the process died, and
// metrics lines of steps past the checkpoint the run resumes from (the killed run got further than
// its last checkpoint; those steps are trained again, and if that run is killed too before reaching
// them, the old lines would stand in the curve as if they were this run's).
import { readdirSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { writeFileAtomicSync } from '../../fs/atomic-write'
import { readJsonLines } from '../../fs/jsonl'
import { METRICS_FILE } from './metrics-log'

/** The temp-file names atomic-write uses (`<name>.<pid>.<random>.tmp`). */
const ATOMIC_TEMP = /\.\d+\.[0-9a-z]+\.tmp$/

/**
 * Removes every atomic-write temp file in the run folder. Called before the job's worker starts,
 * when nothing writes into the folder, so every such file is a dead writer's (whatever its pid:
 * pids are reused across restarts).
 */
export function removeRunTemps(runDir: string): string[] {
  let names: string[]
  try {
    names = readdirSync(runDir)
  } catch {
    return []
  }
  const removed = names.filter((n) => ATOMIC_TEMP.test(n))
  for (const name of removed) rmSync(join(runDir, name), { force: true })
  return removed
}

/** Drops metrics lines past `step` (the resumed checkpoint); rewritten atomically, damaged lines dropped too. */
export function truncateMetricsAfter(runDir: string, step: number): number {
  const file = join(runDir, METRICS_FILE)
  const lines = readJsonLines<{ step: number }>(file)
  const kept = lines.filter((l) => typeof l?.step === 'number' && l.step <= step)
  if (kept.length === lines.length) return 0
  writeFileAtomicSync(file, Buffer.from(kept.map((l) => JSON.stringify(l) + '\n').join('')))
  return lines.length - kept.length
}
