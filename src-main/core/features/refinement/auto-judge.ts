// The automatic judge: a swap is accepted when the classifier's attribute distribution of the
// proposed set is closer to the target than the current set's, measured as the fairness
// discrepancy (L2 between class shares and the ideal, paper Eq. 13) summed over the project's axes.
import type { AxisTally } from '@shared/contract'
import { discrepancy } from '../reports/figures/metrics'
import type { ClassificationStatus } from '@shared/contract'

export interface TargetAxis {
  name: string
  classes: readonly string[]
  /** Target shares in `classes` order (uniform when the axis has no ideal). */
  ideal: readonly number[]
}

export interface Verdict {
  status: ClassificationStatus
  attributes: Record<string, string>
}

/** Resolves an axis' target: its own ideal, or uniform over its classes. */
export function targetOf(axis: { name: string; classes: readonly string[]; ideal: readonly number[] | null }): TargetAxis {
  const k = axis.classes.length
  return { name: axis.name, classes: axis.classes, ideal: axis.ideal ?? new Array<number>(k).fill(1 / k) }
}

/**
 * Whether the classifier cannot see this image's attributes: never classified, no detection, or an
 * error. Such swaps go to a person in mixed mode. (A low-confidence verdict still counts as seen.)
 */
export function classifierCannotSee(verdict: Verdict | null): boolean {
  return verdict === null || verdict.status === 'no_detection' || verdict.status === 'error'
}

/** Per-axis class counts of a set; members without a usable verdict for the axis are `unseen`. */
export function tallySet(verdicts: readonly (Verdict | null)[], axes: readonly TargetAxis[]): AxisTally[] {
  return axes.map((axis) => {
    const counts = new Array<number>(axis.classes.length).fill(0)
    let unseen = 0
    for (const v of verdicts) {
      const cls = v && (v.status === 'ok' || v.status === 'low_confidence') ? v.attributes[axis.name] : undefined
      const index = cls === undefined ? -1 : axis.classes.indexOf(cls)
      // A class outside the axis (a classifier/taxonomy mismatch) is counted as unseen, not guessed.
      if (index < 0) unseen++
      else counts[index]++
    }
    return { axis: axis.name, counts: axis.classes.map((cls, i) => ({ cls, count: counts[i] })), unseen }
  })
}

/** Summed discrepancy over axes; NaN when some axis has no seen member at all. */
export function setDistance(verdicts: readonly (Verdict | null)[], axes: readonly TargetAxis[]): number {
  if (axes.length === 0) throw new Error('the automatic judge needs at least one attribute axis')
  const tallies = tallySet(verdicts, axes)
  let total = 0
  tallies.forEach((t, i) => {
    total += discrepancy(
      t.counts.map((c) => c.count),
      axes[i].ideal
    )
  })
  return total
}

export interface AutoDecision {
  decision: 'accept' | 'reject'
  distanceBefore: number
  distanceAfter: number
}

// Float noise must not turn an equal distance into an "improvement".
const EPS = 1e-12

/** Accept only a strict improvement (a tie keeps the current set); a measurable set beats an unmeasurable one. */
export function judgeAutomatically(current: readonly (Verdict | null)[], proposed: readonly (Verdict | null)[], axes: readonly TargetAxis[]): AutoDecision {
  const distanceBefore = setDistance(current, axes)
  const distanceAfter = setDistance(proposed, axes)
  const better = Number.isNaN(distanceBefore) ? !Number.isNaN(distanceAfter) : distanceAfter < distanceBefore - EPS
  return { decision: better ? 'accept' : 'reject', distanceBefore, distanceAfter }
}
