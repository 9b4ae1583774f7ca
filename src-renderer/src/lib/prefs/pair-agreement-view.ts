// Turns classify.agreement into what the two-classifier panel draws. Pure, so it is unit-tested.
// Every image both classifiers saw is accounted for: compared on an axis, seen by one only, by
// neither, or unreadable; none disappears from the numbers.
import type { Output } from '@shared/contract'
import { percent } from './classify-view'

export type PairAgreement = Output<'classify.agreement'>
export type ClassifierRef = { id: string; version: string }

/** A classifier as the picker names it: id and version, the key both selects share. */
export const refKey = (r: ClassifierRef): string => `${r.id}@${r.version}`

export interface DetectionRow {
  key: 'both' | 'onlyA' | 'onlyB' | 'neither' | 'errors'
  label: string
  count: number
}

export function detectionRows(r: PairAgreement, a: string, b: string): DetectionRow[] {
  return [
    { key: 'both', label: 'both judged the attributes', count: r.detection.both },
    { key: 'onlyA', label: `only ${a} did (${b}: no detection)`, count: r.detection.onlyA },
    { key: 'onlyB', label: `only ${b} did (${a}: no detection)`, count: r.detection.onlyB },
    { key: 'neither', label: 'neither found anything to judge', count: r.detection.neither },
    { key: 'errors', label: 'unreadable for at least one (not compared)', count: r.errors }
  ]
}

export interface ConfusionView {
  rows: string[]
  cols: string[]
  cell: (row: string, col: string) => number
}

/** The confusion table, both sides' classes sorted alike so that agreement runs down the diagonal. */
export function confusionView(table: PairAgreement['axes'][number]['table']): ConfusionView {
  const rows = Object.keys(table).sort()
  const cols = [...new Set(Object.values(table).flatMap((r) => Object.keys(r)))].sort()
  return { rows, cols, cell: (row, col) => table[row]?.[col] ?? 0 }
}

/** A share that may be missing (nothing to compare): a dash, never 0%. */
export const percentText = (x: number | null): string => (x === null ? '—' : percent(x))
export const alphaText = (x: number | null): string => (x === null ? '—' : x.toFixed(2))
