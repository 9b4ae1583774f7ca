// The Refine screen's "Use as winning set" (issue 10): an annotator was shown 2 images against 6
// because every set of the prompt was offered. Only sets of the refined set's size are, and the
// screen says why the others are missing.
import { describe, expect, it } from 'vitest'
import type { ImageSet } from '@shared/contract'
import { otherSizesNote, pairCandidates } from '../../src-renderer/src/lib/refine/pair-candidates'

const set = (id: number, size: number): ImageSet => ({ id, projectId: 1, promptId: 1, origin: 'random', name: null, number: id, imageIds: Array.from({ length: size }, (_, i) => id * 100 + i) })

describe('pairCandidates', () => {
  const sets = [set(1, 6), set(2, 2), set(3, 6), set(4, 8), set(5, 6)]
  it('offers only the other sets of the refined set size', () => {
    const c = pairCandidates(sets, 5)!
    expect(c.size).toBe(6)
    expect(c.offered.map((s) => s.id)).toEqual([1, 3])
    expect(c.otherSizes.map((s) => s.id)).toEqual([2, 4])
  })
  it('says why the other sizes are not offered, and nothing when every set fits', () => {
    expect(otherSizesNote(pairCandidates(sets, 5)!)).toBe('2 other sets of this prompt are not offered: they hold 2 or 8 images, and a pair compares two sets of the same size (6).')
    expect(otherSizesNote(pairCandidates([set(1, 6), set(2, 2)], 1)!)).toBe('1 other set of this prompt is not offered: it holds 2 images, and a pair compares two sets of the same size (6).')
    expect(otherSizesNote(pairCandidates([set(1, 6), set(3, 6)], 1)!)).toBeNull()
  })
  it('offers nothing while the refined set is not listed yet', () => {
    expect(pairCandidates([set(1, 6)], 9)).toBeNull()
  })
})
