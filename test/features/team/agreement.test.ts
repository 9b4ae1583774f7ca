// Agreement statistics against hand-computed values.
import { describe, expect, it } from 'vitest'
import { bootstrapAlpha, krippendorffAlphaNominal, percentAgreement } from '../../../src-main/core/stats/agreement'
import { median, responseTimeOutliers, wilsonInterval } from '../../../src-main/core/features/team/bias'
import { seededRandom } from '../../../src-main/core/random/rng'

describe("Krippendorff's alpha (nominal) and percent agreement", () => {
  it('perfect agreement over varied answers is 1', () => {
    const units = [
      ['a', 'a', 'a'],
      ['b', 'b', 'b'],
      ['tie', 'tie'],
      ['a', 'a']
    ]
    expect(krippendorffAlphaNominal(units)).toBe(1)
    expect(percentAgreement(units)).toBe(1)
  })

  it('two raters, four pairs, worked by hand: alpha = 1 - 7 * 2 / 30, agreement 3/4', () => {
    // Coincidences: o_aa = 2, o_ab = o_ba = 1, o_bb = 4; n_a = 3, n_b = 5, n = 8.
    // alpha = 1 - (n - 1) * (o_ab + o_ba) / (2 * n_a * n_b) = 1 - 7 * 2 / 30.
    const units = [
      ['a', 'a'],
      ['a', 'b'],
      ['b', 'b'],
      ['b', 'b']
    ]
    expect(krippendorffAlphaNominal(units)).toBeCloseTo(1 - 14 / 30, 12)
    expect(percentAgreement(units)).toBe(0.75)
  })

  it("reproduces Krippendorff's (2011) textbook example: 4 observers, 12 units, missing data, alpha = 0.743", () => {
    // Columns are units 1..12, rows observers A..D, null = no answer (unit 12 has one answer: unpairable).
    const rows: Array<Array<number | null>> = [
      [1, 2, 3, 3, 2, 1, 4, 1, 2, null, null, null],
      [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, null, 3],
      [null, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, null],
      [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, null]
    ]
    const units = rows[0].map((_, u) =>
      rows
        .map((r) => r[u])
        .filter((v): v is number => v !== null)
        .map(String)
    )
    expect(krippendorffAlphaNominal(units)).toBeCloseTo(0.743, 3)
  })

  it('systematic disagreement goes below 0; no variation at all is undefined (null), not 1', () => {
    expect(
      krippendorffAlphaNominal([
        ['a', 'b'],
        ['b', 'a']
      ])
    ).toBeLessThan(0)
    expect(
      percentAgreement([
        ['a', 'b'],
        ['b', 'a']
      ])
    ).toBe(0)
    expect(
      krippendorffAlphaNominal([
        ['a', 'a'],
        ['a', 'a']
      ])
    ).toBeNull()
    expect(krippendorffAlphaNominal([['a'], ['b']])).toBeNull()
    expect(percentAgreement([['a']])).toBeNull()
  })

  it('percent agreement with three raters counts agreeing ordered pairs per unit', () => {
    // (a, a, b): 2 of 6 ordered pairs agree; (b, b, b): all agree.
    expect(
      percentAgreement([
        ['a', 'a', 'b'],
        ['b', 'b', 'b']
      ])
    ).toBeCloseTo((1 / 3 + 1) / 2, 12)
  })

  it('the bootstrap interval is reproducible from its seed and brackets the estimate', () => {
    const units = [
      ['a', 'a', 'b'],
      ['b', 'b', 'b'],
      ['a', 'a', 'a'],
      ['tie', 'a', 'a'],
      ['b', 'b', 'a'],
      ['a', 'a', 'a'],
      ['b', 'b', 'b']
    ]
    const alpha = krippendorffAlphaNominal(units)!
    const ci = bootstrapAlpha(units, 500, seededRandom(9))!
    expect(bootstrapAlpha(units, 500, seededRandom(9))).toEqual(ci)
    expect(ci.low).toBeLessThan(alpha)
    expect(ci.high).toBeGreaterThan(alpha)
    expect(bootstrapAlpha([['a', 'a']], 500, seededRandom(9))).toBeNull()
  })
})

describe('bias statistics', () => {
  it('Wilson interval matches hand-computed values', () => {
    // k = 8, n = 10: centre (0.8 + 1.9208/10) / 1.38415, half 1.96 * sqrt(0.016 + 0.0096) / 1.38415.
    const ci = wilsonInterval(8, 10)!
    expect(ci.low).toBeCloseTo(0.4902, 3)
    expect(ci.high).toBeCloseTo(0.9433, 3)
    expect(wilsonInterval(0, 0)).toBeNull()
    expect(wilsonInterval(20, 20)!.low).toBeGreaterThan(0.5)
    expect(() => wilsonInterval(3, 2)).toThrow(/0 <= k <= n/)
  })

  it('flags response times far from the median on a log scale', () => {
    expect(median([3, 1, 2])).toBe(2)
    expect(median([4, 1, 2, 3])).toBe(2.5)
    const times = [2000, 2100, 1900, 2500, 1800, 2200, 30, 2050, 400_000]
    expect(responseTimeOutliers(times)).toEqual([6, 8])
    expect(responseTimeOutliers([10, 10, 10000])).toEqual([]) // too few to judge
  })
})
