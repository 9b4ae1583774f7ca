import { describe, expect, it } from 'vitest'
import { sampleDistinct, seededRandom } from '../../src-main/core/service/random'

describe('seeded sampling', () => {
  it('repeats a stream for a seed and differs across seeds (including above 2^32)', () => {
    const take = (seed: number) => Array.from({ length: 5 }, seededRandom(seed))
    expect(take(1)).toEqual(take(1))
    expect(take(1)).not.toEqual(take(2))
    expect(take(5)).not.toEqual(take(5 + 2 ** 33))
    expect(take(9).every((x) => x >= 0 && x < 1)).toBe(true)
  })

  it('draws k distinct items, roughly uniformly', () => {
    const rand = seededRandom(42)
    const counts = new Array(10).fill(0)
    for (let i = 0; i < 2000; i++) {
      const pick = sampleDistinct([0, 1, 2, 3, 4, 5, 6, 7, 8, 9], 3, rand)
      expect(new Set(pick).size).toBe(3)
      for (const x of pick) counts[x]++
    }
    // each item expected 600 times; a biased shuffle (e.g. off-by-one range) lands far outside
    for (const c of counts) expect(c).toBeGreaterThan(500)
    for (const c of counts) expect(c).toBeLessThan(700)
  })

  it('refuses impossible draws and unsafe seeds', () => {
    expect(() => sampleDistinct([1, 2], 3, Math.random)).toThrow(/cannot draw 3/)
    expect(() => seededRandom(0.5)).toThrow(/safe integer/)
  })
})
