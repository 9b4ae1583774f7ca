// Point metrics of docs/methods/evaluation.md §Discrepancy on class counts. Counts are over the FULL class list of an axis,
// so a class that never appears is a zero, not a missing entry (the reference code's group-by quirk).

import type { Classification } from '../../../classifier/classifier'
import type { AuditAxis } from './types'

const SUM_TOLERANCE = 1e-6

/** The axis' ideal shares: its own `ideal`, validated, or uniform over its classes. */
export function idealDistribution(axis: AuditAxis): number[] {
  const k = axis.classes.length
  if (k < 2) throw new Error(`axis "${axis.name}" needs at least 2 classes, got ${k}`)
  if (new Set(axis.classes).size !== k) throw new Error(`axis "${axis.name}" lists a class twice: ${axis.classes.join(', ')}`)
  if (!axis.ideal) return new Array<number>(k).fill(1 / k)
  if (axis.ideal.length !== k) {
    throw new Error(`axis "${axis.name}" ideal has ${axis.ideal.length} shares but the axis has ${k} classes`)
  }
  let sum = 0
  for (const [i, p] of axis.ideal.entries()) {
    if (!Number.isFinite(p) || p < 0) throw new Error(`axis "${axis.name}" ideal share for "${axis.classes[i]}" must be a number >= 0, got ${String(p)}`)
    sum += p
  }
  if (Math.abs(sum - 1) > SUM_TOLERANCE) throw new Error(`axis "${axis.name}" ideal shares must sum to 1, got ${sum}`)
  return [...axis.ideal]
}

/** Shares of each class; all NaN when nothing was counted (a share of nothing is undefined, not 0). */
export function classShares(counts: ArrayLike<number>): number[] {
  let total = 0
  for (let i = 0; i < counts.length; i++) total += counts[i]
  const out = new Array<number>(counts.length)
  for (let i = 0; i < counts.length; i++) out[i] = total > 0 ? counts[i] / total : Number.NaN
  return out
}

/**
 * Fairness discrepancy f = || ideal - counts/total ||_2 (paper Eq. 13). NaN when no image was counted.
 * Length must match: callers pass the full class list, zeros included.
 */
export function discrepancy(counts: ArrayLike<number>, ideal: ArrayLike<number>): number {
  if (counts.length !== ideal.length) throw new Error(`discrepancy needs one count per class: ${counts.length} counts for ${ideal.length} classes`)
  let total = 0
  for (let i = 0; i < counts.length; i++) total += counts[i]
  if (total <= 0) return Number.NaN
  let ss = 0
  for (let i = 0; i < counts.length; i++) {
    const d = counts[i] / total - ideal[i]
    ss += d * d
  }
  return Math.sqrt(ss)
}

/** Counts of hard labels over the full class list; labels outside it are an error, not dropped. */
export function countClasses(labels: readonly string[], classes: readonly string[]): number[] {
  const index = new Map(classes.map((c, i) => [c, i]))
  const counts = new Array<number>(classes.length).fill(0)
  for (const label of labels) {
    const i = index.get(label)
    if (i === undefined) throw new Error(`label "${label}" is not one of the axis classes: ${classes.join(', ')}`)
    counts[i]++
  }
  return counts
}

/** hits / trials, NaN when there was no trial. */
export function proportion(hits: number, trials: number): number {
  return trials > 0 ? hits / trials : Number.NaN
}

/**
 * Discrepancy of one axis over classifier verdicts: the classes read on 'ok' images, against the axis'
 * ideal; a class outside the axis is not counted. NaN when no image has a class on the axis.
 */
export function verdictDiscrepancy(verdicts: readonly Classification[], axis: AuditAxis): number {
  const labels: string[] = []
  for (const v of verdicts) {
    const cls = v.status === 'ok' ? v.axes[axis.name]?.cls : undefined
    if (cls !== undefined && axis.classes.includes(cls)) labels.push(cls)
  }
  return discrepancy(countClasses(labels, axis.classes), idealDistribution(axis))
}
