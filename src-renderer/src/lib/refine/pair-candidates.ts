// Which sets a finished chain's set may be paired against (issue 10): a preference pair asks which of
// two sets is fairer, and a person shown 2 images against 6 compares sizes, not fairness. Only sets of
// the refined set's size are offered; the others are counted so the screen can say why they are missing.
import type { ImageSet } from '@shared/contract'

export interface PairCandidates {
  /** The refined set's size: the size every offered set has. */
  size: number
  offered: ImageSet[]
  /** Sets of the prompt left out because their size differs. */
  otherSizes: ImageSet[]
}

export function pairCandidates(sets: readonly ImageSet[], resultSetId: number): PairCandidates | null {
  const refined = sets.find((s) => s.id === resultSetId)
  if (!refined) return null
  const others = sets.filter((s) => s.id !== resultSetId)
  const size = refined.imageIds.length
  return { size, offered: others.filter((s) => s.imageIds.length === size), otherSizes: others.filter((s) => s.imageIds.length !== size) }
}

/** "2 other sets of this prompt are not offered: they hold 2 or 8 images, and a pair compares sets of the same size (6)." */
export function otherSizesNote(c: PairCandidates): string | null {
  const n = c.otherSizes.length
  if (n === 0) return null
  const sizes = [...new Set(c.otherSizes.map((s) => s.imageIds.length))].sort((a, b) => a - b)
  const held = sizes.length === 1 ? `${sizes[0]}` : `${sizes.slice(0, -1).join(', ')} or ${sizes.at(-1)}`
  return `${n === 1 ? '1 other set' : `${n} other sets`} of this prompt ${n === 1 ? 'is' : 'are'} not offered: ${n === 1 ? 'it holds' : 'they hold'} ${held} image${sizes.length === 1 && sizes[0] === 1 ? '' : 's'}, and a pair compares two sets of the same size (${c.size}).`
}
