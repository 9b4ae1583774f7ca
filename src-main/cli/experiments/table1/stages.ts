// The run's stage ledger: <workdir>/state.json holds the base model's identity and, per finished
// stage (keyed by its name and the settings it depends on), its output and wall time. A stage whose record is there is skipped on a re-run, so
// the long command resumes after a kill at the first unfinished stage. Writes go through a temporary
// file and a rename, so a kill mid-write leaves the previous state, never half a file.
import { existsSync, readFileSync } from 'node:fs'
import { writeFileAtomicSync } from '../../../core/fs/atomic-write'
import { join } from 'node:path'
import { createHash } from 'node:crypto'

export interface StageRecord<T = unknown> {
  seconds: number
  finishedAt: string
  output: T
}

interface StateFile {
  format: 'popalign.table1-state'
  version: 1
  /** The base checkpoint's identity; a workdir holds experiments on one base model only. */
  identity: unknown
  stages: Record<string, StageRecord>
}

export const STATE_FILE = 'state.json'

/** JSON with sorted keys, so equal settings always give the same text (and the same key). */
export function stable(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => (v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b))) : v))
}

/**
 * A stage's key: its name and a short hash of the settings it depends on. Changing beta re-runs only
 * the fine-tunes and their evaluations; acquisition, snapshot and the base model's evaluation are kept.
 */
export function stageKey(name: string, inputs: unknown): string {
  return `${name}@${createHash('sha256').update(stable(inputs)).digest('hex').slice(0, 10)}`
}

export class StageStore {
  private readonly file: string
  private state: StateFile

  constructor(
    workdir: string,
    identity: unknown,
    private readonly log: (line: string) => void
  ) {
    this.file = join(workdir, STATE_FILE)
    if (existsSync(this.file)) {
      let saved: StateFile
      try {
        saved = JSON.parse(readFileSync(this.file, 'utf8')) as StateFile
      } catch (err) {
        throw new Error(`${this.file} is not readable JSON (${(err as Error).message}); remove it or use a new --workdir`)
      }
      if (saved.format !== 'popalign.table1-state' || saved.version !== 1) throw new Error(`${this.file} is not a table1 state file`)
      if (stable(saved.identity) !== stable(identity)) {
        throw new Error(`${this.file} was started with another base checkpoint; use a new --workdir for this one`)
      }
      this.state = saved
    } else {
      this.state = { format: 'popalign.table1-state', version: 1, identity, stages: {} }
      this.save()
    }
  }

  private save(): void {
    writeFileAtomicSync(this.file, JSON.stringify(this.state, null, 2) + '\n')
  }

  get<T>(name: string): StageRecord<T> | undefined {
    return this.state.stages[name] as StageRecord<T> | undefined
  }

  records(): Record<string, StageRecord> {
    return { ...this.state.stages }
  }

  /** Runs `fn` unless the stage already finished; either way returns its output. */
  async run<T>(name: string, label: string, fn: () => Promise<T>): Promise<T> {
    const done = this.get<T>(name)
    if (done) {
      this.log(`${label}: done earlier (${done.seconds.toFixed(1)} s), skipped`)
      return done.output
    }
    this.log(`${label}: started`)
    const t0 = performance.now()
    const output = await fn()
    const seconds = (performance.now() - t0) / 1000
    this.state.stages[name] = { seconds, finishedAt: new Date().toISOString(), output }
    this.save()
    this.log(`${label}: finished in ${seconds.toFixed(1)} s`)
    return output
  }
}
