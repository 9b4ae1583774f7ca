import { describe, expect, it } from 'vitest'
import { Rng } from '../../src-main/core/random/rng'

describe('Rng (xoshiro128**)', () => {
  it('matches the reference xoshiro128** output for state [1,2,3,4]', () => {
    const rng = Rng.fromState({ algorithm: 'xoshiro128**', s: [1, 2, 3, 4], spare: null })
    const got = Array.from({ length: 6 }, () => rng.nextUint32())
    expect(got).toEqual([11520, 0, 5927040, 70819200, 2031721883, 1637235492])
  })

  it('is deterministic per seed and differs across seeds', () => {
    const a = new Rng(42).fillNormal(new Float32Array(16))
    const b = new Rng(42).fillNormal(new Float32Array(16))
    const c = new Rng(43).fillNormal(new Float32Array(16))
    expect(Array.from(a)).toEqual(Array.from(b))
    expect(Array.from(a)).not.toEqual(Array.from(c))
    expect(new Rng(2 ** 40).nextUint32()).not.toBe(new Rng(0).nextUint32())
  })

  it('resumes identically from a JSON state saved between the two Box-Muller halves', () => {
    const rng = new Rng(7)
    rng.normal() // leaves a spare pending
    const saved = JSON.parse(JSON.stringify(rng.getState())) as unknown
    const expected = Array.from({ length: 9 }, () => rng.normal())
    const resumed = Rng.fromState(saved)
    expect(Array.from({ length: 9 }, () => resumed.normal())).toEqual(expected)
  })

  it('produces standard-normal and uniform moments', () => {
    const rng = new Rng(1)
    const n = 200_000
    const z = rng.fillNormal(new Float64Array(n))
    let m = 0
    let v = 0
    for (const x of z) m += x
    m /= n
    for (const x of z) v += (x - m) ** 2
    v /= n
    expect(Math.abs(m)).toBeLessThan(0.01)
    expect(Math.abs(v - 1)).toBeLessThan(0.01)
    const u = rng.fillUniform(new Float64Array(n))
    let um = 0
    let lo = Infinity
    let hi = -Infinity
    for (const x of u) {
      um += x
      lo = Math.min(lo, x)
      hi = Math.max(hi, x)
    }
    expect(lo).toBeGreaterThanOrEqual(0)
    expect(hi).toBeLessThan(1)
    expect(Math.abs(um / n - 0.5)).toBeLessThan(0.005)
  })

  it('int(n) is in range and roughly uniform; shuffle and permutation are permutations', () => {
    const rng = new Rng(3)
    const counts = new Array(6).fill(0) as number[]
    for (let i = 0; i < 60_000; i++) counts[rng.int(6)]++
    for (const c of counts) expect(Math.abs(c - 10_000)).toBeLessThan(500)
    const arr = rng.shuffle([0, 1, 2, 3, 4, 5, 6, 7])
    expect([...arr].sort()).toEqual([0, 1, 2, 3, 4, 5, 6, 7])
    const p = rng.permutation(50)
    expect(Array.from(p).sort((x, y) => x - y)).toEqual(Array.from({ length: 50 }, (_, i) => i))
  })

  it('derive gives distinct, reproducible streams', () => {
    expect(Rng.derive(5, 'noise', 1).nextUint32()).toBe(Rng.derive(5, 'noise', 1).nextUint32())
    expect(Rng.derive(5, 'noise', 1).nextUint32()).not.toBe(Rng.derive(5, 'noise', 2).nextUint32())
  })

  it('rejects bad seeds, bounds and states with clear errors', () => {
    expect(() => new Rng(1.5)).toThrow(/safe integer/)
    expect(() => new Rng(Number.NaN)).toThrow(/safe integer/)
    expect(() => new Rng(0).int(0)).toThrow(/bound/)
    expect(() => Rng.fromState({ algorithm: 'pcg', s: [1, 2, 3, 4], spare: null })).toThrow(/algorithm/)
    expect(() => Rng.fromState({ algorithm: 'xoshiro128**', s: [0, 0, 0, 0], spare: null })).toThrow(/all zero/)
    expect(() => Rng.fromState({ algorithm: 'xoshiro128**', s: [1, 2, 3], spare: null })).toThrow(/uint32/)
    expect(() => Rng.fromState({ algorithm: 'xoshiro128**', s: [1, 2, 3, 4], spare: 'x' })).toThrow(/spare/)
    expect(() => Rng.fromState(null)).toThrow(/object/)
  })
})
