// The rows of the runs comparison table: one row per setting or final metric, one column per run.
// A value that differs between the selected runs is flagged so the eye finds what changed.
import type { RunComparison } from '@shared/contract'

export interface CompareRow {
  label: string
  values: string[]
  differs: boolean
}

const fmt = (v: number | null | undefined, digits = 4): string => (v === null || v === undefined ? '–' : Number.isInteger(v) ? String(v) : v.toPrecision(digits))

export function compareRows(runs: readonly RunComparison[]): CompareRow[] {
  const rows: [string, (r: RunComparison) => string][] = [
    ['Method', (r) => r.method ?? 'plain training'],
    ['State', (r) => r.state],
    ['Snapshot', (r) => (r.snapshotId === null ? '–' : `#${r.snapshotId} · ${r.snapshotSha256?.slice(0, 10) ?? ''}`)],
    ['Base checkpoint', (r) => (r.baseCheckpoint ? `${r.baseCheckpoint.model} @ step ${r.baseCheckpoint.step}` : 'scratch')],
    ['β', (r) => fmt(r.config?.beta)],
    ['α', (r) => fmt(r.config?.alpha)],
    ['Learning rate', (r) => fmt(r.config?.learningRate)],
    ['Steps', (r) => `${r.step} of ${r.config?.steps ?? r.totalSteps}`],
    ['Batch (images)', (r) => fmt(r.config?.batchSize)],
    ['Weighting', (r) => r.config?.weighting ?? '–'],
    ['Caption dropout', (r) => fmt(r.config?.condDropout)],
    ['Seed', (r) => fmt(r.config?.seed)],
    ['Architecture', (r) => r.config?.arch ?? '–'],
    ['Backend', (r) => r.backend ?? '–'],
    ['Code version', (r) => r.codeVersion ?? '–'],
    ['Final loss', (r) => fmt(r.final.loss)],
    ['Final implicit accuracy', (r) => fmt(r.final.implicitAccuracy, 3)],
    ['Final reward margin', (r) => fmt(r.final.rewardMargin)],
    ['Final Z', (r) => fmt(r.final.Z)]
  ]
  return rows.map(([label, get]) => {
    const values = runs.map(get)
    return { label, values, differs: new Set(values).size > 1 }
  })
}
