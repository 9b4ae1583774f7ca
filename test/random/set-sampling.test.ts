import { describe, expect, it } from 'vitest'
import { ChainRng, initialRngState, sampleDistinct, seededRandom } from '../../src-main/core/random/rng'

describe('seeded sampling', () => {
  it('repeats a stream for a seed and differs across seeds (including above 2^32)', () => {
    const take = (seed: number) => Array.from({ length: 5 }, seededRandom(seed))
    expect(take(1)).toEqual(take(1))
    expect(take(1)).not.toEqual(take(2))
    expect(take(5)).not.toEqual(take(5 + 2 ** 33))
    expect(take(9).every((x) => x >= 0 && x < 1)).toBe(true)
  })

  it('keeps the pinned mulberry32 stream, shared with the resumable MCMC generator', () => {
    const take = (seed: number, n: number) => Array.from({ length: n }, seededRandom(seed))
    expect(take(1, 3)).toEqual([0.6270739405881613, 0.002735721180215478, 0.5274470399599522])
    expect(take(2 ** 33 + 5, 2)).toEqual([0.011704753153026104, 0.06195825757458806])
    for (const seed of [0, 1, 42, 2 ** 33 + 5]) {
      const chain = new ChainRng(initialRngState(seed))
      expect(Array.from({ length: 20 }, () => chain.next())).toEqual(take(seed, 20))
      // a chain resumed from its stored state continues the same stream
      const resumed = new ChainRng(chain.state)
      expect(resumed.next()).toEqual(take(seed, 21)[20])
    }
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
