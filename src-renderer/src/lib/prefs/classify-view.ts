// Turns a classify.summary entry into the rows the screen draws. Pure, so it is unit-tested.
// Every status is always listed (zero included): a number that hides its failures cannot be trusted.
import type { Axis, Output } from '@shared/contract'

export type ClassifierSummary = Output<'classify.summary'>[number]
export type StatusKey = keyof ClassifierSummary['counts'] | 'unclassified'

export interface CountRow {
  key: string
  label: string
  count: number
  /** count / total, 0 when the total is 0. */
  share: number
  hint?: string
}

const STATUS_TEXT: Record<StatusKey, { label: string; hint: string }> = {
  ok: { label: 'ok', hint: 'attributes read with enough confidence' },
  no_detection: { label: 'no detection', hint: 'no figure or face found, so no attribute was read (counted, not dropped)' },
  low_confidence: { label: 'low confidence', hint: 'below the mapping’s confidence threshold' },
  error: { label: 'error', hint: 'the file could not be read or the model failed on it' },
  unclassified: { label: 'not yet classified', hint: 'images this classifier has not seen yet' }
}

const STATUS_ORDER: readonly StatusKey[] = ['ok', 'no_detection', 'low_confidence', 'error', 'unclassified']

const share = (count: number, total: number): number => (total > 0 ? count / total : 0)

export function statusRows(summary: Pick<ClassifierSummary, 'counts' | 'unclassified'>): CountRow[] {
  const value = (k: StatusKey): number => (k === 'unclassified' ? summary.unclassified : summary.counts[k])
  const total = STATUS_ORDER.reduce((s, k) => s + value(k), 0)
  return STATUS_ORDER.map((k) => ({ key: k, label: STATUS_TEXT[k].label, hint: STATUS_TEXT[k].hint, count: value(k), share: share(value(k), total) }))
}

export interface AxisView {
  axis: string
  total: number
  rows: CountRow[]
  /** Classes the classifier reported that the project's taxonomy does not list. */
  foreign: string[]
}

/**
 * Per-axis class counts in the taxonomy's class order, with classes nobody was seen in shown as 0
 * (the summary only lists classes that occurred). Axes or classes the taxonomy lacks come last.
 */
export function axisViews(summaryAxes: ClassifierSummary['axes'], taxonomy: Pick<Axis, 'name' | 'classes'>[]): AxisView[] {
  const names = [...taxonomy.map((a) => a.name), ...summaryAxes.map((a) => a.axis).filter((n) => !taxonomy.some((t) => t.name === n))]
  return names.map((axis) => {
    const seen = summaryAxes.find((a) => a.axis === axis)?.counts ?? []
    const listed = taxonomy.find((t) => t.name === axis)?.classes ?? []
    const foreign = seen.map((c) => c.cls).filter((c) => !listed.includes(c))
    const classes = [...listed, ...foreign]
    const total = seen.reduce((s, c) => s + c.count, 0)
    const rows = classes.map((cls) => {
      const count = seen.find((c) => c.cls === cls)?.count ?? 0
      return { key: cls, label: cls, count, share: share(count, total) }
    })
    return { axis, total, rows, foreign: taxonomy.some((t) => t.name === axis) ? foreign : [] }
  })
}

export function percent(share: number): string {
  return `${Math.round(share * 1000) / 10}%`
}
