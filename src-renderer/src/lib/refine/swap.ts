// What the judge sees for a pending proposal: the current set with the outgoing image marked, and
// the proposed set with the incoming image in the same place.
import type { McmcLogEntry, McmcProposal } from '@shared/contract'

export interface Tile {
  imageId: number
  /** 'out' leaves the set if the swap is accepted; 'in' enters it. */
  mark: 'out' | 'in' | null
}

export function currentTiles(members: readonly number[], proposal: McmcProposal | null): Tile[] {
  return members.map((imageId, i) => ({ imageId, mark: proposal && i === proposal.position ? 'out' : null }))
}

export function proposedTiles(members: readonly number[], proposal: McmcProposal): Tile[] {
  return members.map((imageId, i) => (i === proposal.position ? { imageId: proposal.inImageId, mark: 'in' } : { imageId, mark: null }))
}

export function percent(rate: number | null): string {
  return rate === null ? '—' : `${Math.round(rate * 100)}%`
}

/**
 * How far the classifier judged the set from the target when the chain's automatic judging began, and
 * where it stands now, read from the log (oldest first): the first recorded "before", and the newest
 * entry's "after" if it was accepted or its "before" if not. A person's accepted swap after the newest
 * measured step changed the set unmeasured, so then only the start is known (`now` null). Null when
 * the classifier has not judged yet.
 */
export function distanceTrend(log: readonly Pick<McmcLogEntry, 'decision' | 'distanceBefore' | 'distanceAfter'>[]): { start: number; now: number | null } | null {
  const measured = log.filter((e) => e.distanceBefore !== null)
  if (measured.length === 0) return null
  const newest = measured[measured.length - 1]
  const unmeasuredSince = log.slice(log.lastIndexOf(newest) + 1).some((e) => e.decision === 'accept' && e.distanceBefore === null)
  const now = unmeasuredSince ? null : newest.decision === 'accept' ? newest.distanceAfter : newest.distanceBefore
  return { start: measured[0].distanceBefore!, now }
}

/** "1.620 → 0.904", or just the start when the current distance is unknown. */
export function distanceText(trend: { start: number; now: number | null }): string {
  const fmt = (d: number): string => (Number.isNaN(d) ? 'not measurable' : d.toFixed(3))
  return trend.now === null ? `${fmt(trend.start)} at the start` : `${fmt(trend.start)} → ${fmt(trend.now)}`
}
