// The rows of the runs comparison table: one row per setting or final metric, one column per run.
// A value that differs between the selected runs is flagged so the eye finds what changed.
import type { RunComparison, RunSummary } from '@shared/contract'
import { jobStateLabel, methodLabel, startedFrom, weightingName } from '../names'

export interface CompareRow {
  label: string
  values: string[]
  differs: boolean
  /** An engineer's row (model size, engine, code version, normaliser): shown under "Technical details", not among the rows a researcher reads. */
  technical: boolean
}

const fmt = (v: number | null | undefined, digits = 4): string => (v === null || v === undefined ? '–' : Number.isInteger(v) ? String(v) : v.toPrecision(digits))

/** What the table names things by: snapshots by "name · v2" (snapshots.list), runs by number or name. */
export interface CompareNames {
  snapshots: ReadonlyMap<number, string>
  runs: ReadonlyArray<Pick<RunSummary, 'jobId' | 'name' | 'number'>>
}

/** "Base model (built in) · step 8000", "Run 2 · step 40", "a new model". */
function startedAt(r: RunComparison, names: CompareNames): string {
  const base = r.baseCheckpoint
  if (!base) return startedFrom(r.init, names.runs)
  const from = startedFrom(base.model, names.runs)
  return from.includes(' · step ') ? from : `${from} · step ${base.step}`
}

/** The record's "16px p4 w96 d4" in words: "patch 4, width 96, depth 4 (16×16 images)". */
export function modelSizeWords(arch: string | undefined): string {
  if (arch === undefined) return '–'
  const m = /^(\d+)px p(\d+) w(\d+) d(\d+)$/.exec(arch)
  return m ? `patch ${m[2]}, width ${m[3]}, depth ${m[4]} (${m[1]}×${m[1]} images)` : arch
}

export function compareRows(runs: readonly RunComparison[], names: CompareNames): CompareRow[] {
  const rows: [string, (r: RunComparison) => string, 'technical'?][] = [
    ['Method', (r) => methodLabel(r.method)],
    ['State', (r) => jobStateLabel(r.state)],
    // By name and version, with the start of its content hash so two snapshots of one name still differ.
    ['Snapshot', (r) => (r.snapshotId === null ? '–' : `${names.snapshots.get(r.snapshotId) ?? 'a deleted snapshot'}${r.snapshotSha256 ? ` · ${r.snapshotSha256.slice(0, 10)}` : ''}`)],
    ['Started from', (r) => startedAt(r, names)],
    ['β', (r) => fmt(r.config?.beta)],
    ['α', (r) => fmt(r.config?.alpha)],
    ['Learning rate', (r) => fmt(r.config?.learningRate)],
    ['Steps', (r) => `${r.step} of ${r.config?.steps ?? r.totalSteps}`],
    ['Batch (images)', (r) => fmt(r.config?.batchSize)],
    ['Loss weighting', (r) => (r.config?.weighting ? weightingName(r.config.weighting) : '–')],
    ['Caption dropout', (r) => fmt(r.config?.condDropout)],
    ['Seed', (r) => fmt(r.config?.seed)],
    ['Final loss', (r) => fmt(r.final.loss)],
    ['Final implicit accuracy', (r) => fmt(r.final.implicitAccuracy, 3)],
    ['Final reward margin', (r) => fmt(r.final.rewardMargin)],
    ['Model size', (r) => modelSizeWords(r.config?.arch), 'technical'],
    ['Training engine', (r) => r.backend ?? '–', 'technical'],
    ['Code version', (r) => r.codeVersion ?? '–', 'technical'],
    ['Final normaliser Z', (r) => fmt(r.final.Z), 'technical']
  ]
  return rows.map(([label, get, kind]) => {
    const values = runs.map(get)
    return { label, values, differs: new Set(values).size > 1, technical: kind === 'technical' }
  })
}
