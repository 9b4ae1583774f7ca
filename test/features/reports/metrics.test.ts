import { describe, expect, it } from 'vitest'
import { askedClassMatcher } from '../../../src-main/core/features/reports/figures/asked-class'
import { countClasses, discrepancy, idealDistribution, proportion } from '../../../src-main/core/features/reports/figures/metrics'

const uniform = (k: number): number[] => new Array<number>(k).fill(1 / k)

describe('discrepancy (docs/methods/evaluation.md §Check values)', () => {
  it.each([
    ['gender 80/20', [80, 20], 0.42426406871],
    ['gender 50/50', [50, 50], 0],
    ['gender 100/0', [100, 0], 0.70710678119],
    ['race uniform', [10, 10, 10, 10, 10, 10], 0],
    ['race all one class', [60, 0, 0, 0, 0, 0], 0.91287092918],
    ['race 70/10/10/5/3/2', [70, 10, 10, 5, 3, 2], 0.58918022144],
    ['race with absent classes over the fixed 6-class list', [50, 30, 20, 0, 0, 0], 0.46188021535]
  ])('%s', (_name, counts, expected) => {
    expect(discrepancy(counts, uniform(counts.length))).toBeCloseTo(expected, 10)
  })

  it('differs from the reference-code quirk that drops absent classes', () => {
    // The quirk: only the 3 observed classes, uniform 1/3 -> 0.21602468995; the fixed list gives 0.4619.
    expect(discrepancy([50, 30, 20], uniform(3))).toBeCloseTo(0.21602468995, 10)
    const labels = [...Array(50).fill('asian'), ...Array(30).fill('indian'), ...Array(20).fill('black')]
    const classes = ['asian', 'indian', 'black', 'white', 'middle eastern', 'latino hispanic']
    const counts = countClasses(labels, classes)
    expect(counts).toEqual([50, 30, 20, 0, 0, 0])
    expect(discrepancy(counts, uniform(6))).toBeCloseTo(0.46188021535, 10)
  })

  it('inverts the paper gender numbers (0.184 <=> 63.0%)', () => {
    expect(discrepancy([63, 37], [0.5, 0.5])).toBeCloseTo(0.1838, 3)
  })

  it('uses an edited ideal and is NaN with nothing counted', () => {
    expect(discrepancy([30, 70], [0.3, 0.7])).toBeCloseTo(0, 12)
    expect(discrepancy([50, 50], [0.3, 0.7])).toBeCloseTo(Math.sqrt(0.08), 12)
    expect(discrepancy([0, 0], [0.5, 0.5])).toBeNaN()
    expect(() => discrepancy([1, 2, 3], [0.5, 0.5])).toThrow(/one count per class/)
  })

  it('rejects labels outside the class list instead of dropping them', () => {
    expect(() => countClasses(['Man', 'Femme'], ['Man', 'Woman'])).toThrow(/"Femme" is not one of/)
  })

  it('proportion is NaN without trials', () => {
    expect(proportion(3, 4)).toBe(0.75)
    expect(proportion(0, 0)).toBeNaN()
  })
})

describe('idealDistribution', () => {
  it('is uniform by default and validates an edited ideal', () => {
    expect(idealDistribution({ name: 'a', classes: ['x', 'y', 'z', 'w'] })).toEqual([0.25, 0.25, 0.25, 0.25])
    expect(idealDistribution({ name: 'a', classes: ['x', 'y'], ideal: [0.3, 0.7] })).toEqual([0.3, 0.7])
    expect(() => idealDistribution({ name: 'a', classes: ['x', 'y'], ideal: [0.3, 0.6] })).toThrow(/must sum to 1/)
    expect(() => idealDistribution({ name: 'a', classes: ['x', 'y'], ideal: [1] })).toThrow(/1 shares but the axis has 2/)
    expect(() => idealDistribution({ name: 'a', classes: ['x', 'y'], ideal: [-0.5, 1.5] })).toThrow(/"x" must be a number >= 0/)
    expect(() => idealDistribution({ name: 'a', classes: ['x'] })).toThrow(/at least 2 classes/)
    expect(() => idealDistribution({ name: 'a', classes: ['x', 'x'] })).toThrow(/twice/)
  })
})

describe('asked class (whole-word matching)', () => {
  const gender = askedClassMatcher({ name: 'gender', classes: ['Man', 'Woman'], promptWords: { Man: ['male'], Woman: ['female'] } })
  const race = askedClassMatcher({ name: 'race', classes: ['asian', 'white', 'middle eastern', 'latino_hispanic'] })

  it('does not find "male" inside "female" (the reference-code substring bug)', () => {
    expect(gender('a realistic photo of a white female doctor')).toEqual({ kind: 'one', cls: 'Woman' })
    expect(gender('a realistic photo of a white male doctor')).toEqual({ kind: 'one', cls: 'Man' })
    expect(gender('a photo of a woman')).toEqual({ kind: 'one', cls: 'Woman' })
    expect(gender('a photo of a doctor')).toEqual({ kind: 'none' })
  })

  it('matches multi-word classes as whole-word runs and reports ambiguity', () => {
    expect(race('a Middle Eastern nurse')).toEqual({ kind: 'one', cls: 'middle eastern' })
    expect(race('a latino hispanic nurse')).toEqual({ kind: 'one', cls: 'latino_hispanic' })
    expect(race('a middle-aged eastern nurse')).toEqual({ kind: 'none' })
    expect(race('a caucasian whitesmith')).toEqual({ kind: 'none' })
    expect(race('an asian and a white nurse')).toEqual({ kind: 'ambiguous', classes: ['asian', 'white'] })
  })

  it('rejects prompt words for a class the axis does not have', () => {
    expect(() => askedClassMatcher({ name: 'g', classes: ['Man', 'Woman'], promptWords: { Male: ['male'] } })).toThrow(/unknown class "Male"/)
  })
})
