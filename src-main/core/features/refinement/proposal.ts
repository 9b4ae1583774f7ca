// The chain's proposal step (paper App. B): replace one random member of the current set by a
// random image of the prompt's pool that is not in the set yet.
import type { McmcProposal, McmcProposalSource } from '@shared/contract'
import type { ChainRng } from '../../random/rng'

/** Initial members: `size` distinct images of the pool (partial Fisher-Yates). */
export function drawInitialSet(pool: readonly number[], size: number, rng: ChainRng): number[] {
  if (pool.length < size) throw new Error(`the prompt has ${pool.length} image(s); a set of ${size} needs at least ${size}`)
  const items = pool.slice()
  for (let i = 0; i < size; i++) {
    const j = i + rng.below(items.length - i)
    ;[items[i], items[j]] = [items[j], items[i]]
  }
  return items.slice(0, size)
}

/** The next swap, or null when every image of the pool is already in the set. */
export function drawProposal(members: readonly number[], pool: readonly number[], rng: ChainRng): McmcProposal | null {
  if (members.length === 0) throw new Error('a chain set cannot be empty')
  const inSet = new Set(members)
  const candidates = pool.filter((id) => !inSet.has(id))
  if (candidates.length === 0) return null
  const position = rng.below(members.length)
  const inImageId = candidates[rng.below(candidates.length)]
  return { position, outImageId: members[position], inImageId }
}

/** The set after applying a proposal (the current set is never modified). */
export function applyProposal(members: readonly number[], proposal: McmcProposal): number[] {
  if (members[proposal.position] !== proposal.outImageId) {
    throw new Error(`proposal does not match the set: position ${proposal.position} holds ${members[proposal.position]}, not ${proposal.outImageId}`)
  }
  const next = members.slice()
  next[proposal.position] = proposal.inImageId
  return next
}

/** Seeds of freshly sampled proposals stay below 2^31 (any sampler's seed range). */
export const FRESH_SEED_LIMIT = 0x8000_0000

export type NextProposal = { proposal: McmcProposal | null; pendingSample: null } | { proposal: null; pendingSample: { position: number; seed: number } }

/**
 * The next swap of a chain by its proposal source: 'pool' draws from the prompt's images; 'sample'
 * draws the member to replace and the seed of a fresh image; 'mixed' draws from the pool images the
 * chain has not proposed yet and samples once there are none.
 */
export function drawNext(source: McmcProposalSource, members: readonly number[], pool: readonly number[], proposedBefore: ReadonlySet<number>, rng: ChainRng): NextProposal {
  if (source === 'pool') return { proposal: drawProposal(members, pool, rng), pendingSample: null }
  if (source === 'mixed') {
    const fresh = pool.filter((id) => !proposedBefore.has(id))
    const proposal = drawProposal(members, fresh, rng)
    if (proposal) return { proposal, pendingSample: null }
  }
  if (members.length === 0) throw new Error('a chain set cannot be empty')
  const position = rng.below(members.length)
  return { proposal: null, pendingSample: { position, seed: rng.below(FRESH_SEED_LIMIT) } }
}
