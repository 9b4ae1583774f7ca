// What the judge sees for a pending proposal: the current set with the outgoing image marked, and
// the proposed set with the incoming image in the same place.
import type { McmcProposal } from '@shared/contract'

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
