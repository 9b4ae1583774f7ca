// Prompt augmentation, the gate and the pair builder on hand-made inputs.
import { describe, expect, it } from 'vitest'
import { augmentPrompt, classCombinations, defaultTemplate, hasWholeWords, splitLead } from '../../../../src-main/core/features/preference-data/acquire/augment'
import { gateImage } from '../../../../src-main/core/features/preference-data/acquire/gate'
import { buildSetPair, distinctClasses, type AugmentedImage, type PoolImage } from '../../../../src-main/core/features/preference-data/acquire/pairs'
import { Rng } from '../../../../src-main/core/random/rng'

const world = [
  { name: 'silhouette', classes: ['round', 'angular'] },
  { name: 'tone', classes: ['amber', 'teal', 'violet', 'rose', 'olive', 'slate'] }
]

describe('prompt augmentation', () => {
  it('makes one prompt per class combination with the whole-word classes', () => {
    const out = augmentPrompt('a photo of a doctor', world, ['a photo of a {A} {B} {concept}'])
    expect(out).toHaveLength(12)
    expect(new Set(out.map((p) => p.text)).size).toBe(12)
    expect(out[0]).toEqual({ text: 'a photo of a round amber doctor', combo: { silhouette: 'round', tone: 'amber' }, template: 'a photo of a {A} {B} {concept}' })
    expect(out.map((p) => p.combo)).toEqual(classCombinations(world))
    // "an" before a vowel, and the concept lead-in is found after "an" too.
    expect(augmentPrompt('a photo of an astronaut', world, ['a photo of a {tone} {silhouette} {concept}'])[0].text).toBe('a photo of an amber round astronaut')
    expect(augmentPrompt('Botanist - cataloging plants', world, ['a realistic photo of a {A} {B} {prompt}'])[11].text).toBe('a realistic photo of an angular slate Botanist - cataloging plants')
  })

  it('the default template puts the classes before the subject, whatever the phrasing', () => {
    const t = defaultTemplate(world)
    expect(t).toBe('{lead} {silhouette} {tone} {rest}')
    const first = (neutral: string) => augmentPrompt(neutral, world, [t])[0].text
    const cases: [string, string][] = [
      ['a photo of a doctor', 'a photo of a round amber doctor'],
      ['a picture of a nurse', 'a picture of a round amber nurse'],
      ['a nurse', 'a round amber nurse'],
      ['a person working as a chef', 'a person working as a round amber chef'],
      ['a drawing of the pilot', 'a drawing of the round amber pilot'],
      ['a photo of an astronaut', 'a photo of a round amber astronaut'],
      ['a doctor with a stethoscope', 'a round amber doctor with a stethoscope'],
      ['portrait of a farmer', 'portrait of a round amber farmer']
    ]
    for (const [neutral, specific] of cases) expect(first(neutral), neutral).toBe(specific)
    expect(first('Painter')).toBe('round amber Painter')
    expect(augmentPrompt('an astronaut', world, ['{lead} {tone} {silhouette} {rest}'])[0].text).toBe('an amber round astronaut')
    expect(splitLead('  a   photo of a doctor ')).toEqual({ lead: 'a photo of a', rest: 'doctor' })
    expect(splitLead('a')).toEqual({ lead: '', rest: 'a' })
  })

  it('matches whole words only, so "male" is not found in "female"', () => {
    const gender = [{ name: 'gender', classes: ['male', 'female'] }]
    expect(hasWholeWords('a female doctor', 'male')).toBe(false)
    expect(hasWholeWords('a latino hispanic chef', 'latino hispanic')).toBe(true)
    const out = augmentPrompt('a doctor', gender, ['a {gender} {prompt}'])
    expect(out.map((p) => p.text)).toEqual(['a male a doctor', 'a female a doctor'])
    expect(() => augmentPrompt('a female doctor', gender, ['a {gender} {prompt}'])).toThrow(/names class "female" of axis "gender"; it is not identity-neutral/)
  })

  it('refuses templates that would not be identity-specific', () => {
    expect(() => augmentPrompt('a doctor', world, ['a {A} {concept}'])).toThrow(/no placeholder for axis "tone"/)
    expect(() => augmentPrompt('a doctor', world, ['a {A} {B} {size} {concept}'])).toThrow(/unknown placeholder \{size\}/)
    expect(() => augmentPrompt('a doctor', world, ['a {A} {B}'])).toThrow(/exactly one \{prompt\}, \{concept\} or \{lead\} ... \{rest\}/)
    expect(() => augmentPrompt('a doctor', world, ['{lead} {A} {B}'])).toThrow(/\{lead\} needs \{rest\}/)
    expect(() => augmentPrompt('a doctor', world, ['{A} {B} {rest}'])).toThrow(/\{rest\} needs \{lead\}/)
    expect(() => augmentPrompt('a doctor', world, ['{rest} {A} {B} {lead}'])).toThrow(/\{lead\} must come before \{rest\}/)
    expect(() => augmentPrompt('a doctor', [], ['{prompt}'])).toThrow(/no taxonomy axes/)
  })
})

describe('gate', () => {
  const axes = ['silhouette', 'tone']
  const ok = (silhouette: string, tone: string) => ({ status: 'ok' as const, attributes: { silhouette, tone }, confidence: 0.9 })
  it('keeps a neutral image the classifier saw, and a specific image that shows what was asked', () => {
    expect(gateImage(ok('round', 'teal'), null, axes)).toEqual({ keep: true })
    expect(gateImage(ok('round', 'teal'), { silhouette: 'round', tone: 'teal' }, axes)).toEqual({ keep: true })
  })
  it('gives each drop its reason', () => {
    const reason = (r: ReturnType<typeof gateImage>) => (r.keep ? 'kept' : r.reason)
    expect(reason(gateImage(null, null, axes))).toBe('not_classified')
    expect(reason(gateImage({ status: 'error', attributes: {}, confidence: null }, null, axes))).toBe('classifier_error')
    expect(reason(gateImage({ status: 'no_detection', attributes: {}, confidence: 0.1 }, null, axes))).toBe('no_detection')
    expect(reason(gateImage({ status: 'low_confidence', attributes: { silhouette: 'round', tone: 'teal' }, confidence: 0.4 }, null, axes))).toBe('low_confidence')
    expect(reason(gateImage({ status: 'ok', attributes: { silhouette: 'round' }, confidence: 0.9 }, null, axes))).toBe('axis_missing')
    const contradiction = gateImage(ok('angular', 'teal'), { silhouette: 'round', tone: 'teal' }, axes)
    expect(contradiction).toEqual({ keep: false, reason: 'contradicts_prompt', detail: 'silhouette: asked round, seen angular' })
  })
})

describe('pair builder', () => {
  const combos = classCombinations(world)
  const augmented: AugmentedImage[] = combos.flatMap((c, j) => [0, 1].map((r) => ({ id: 100 + j * 2 + r, attributes: c, combo: JSON.stringify(c) })))
  const neutral: PoolImage[] = Array.from({ length: 20 }, (_, i) => ({ id: 1 + i, attributes: { silhouette: i % 7 === 0 ? 'round' : 'angular', tone: i % 2 ? 'amber' : 'slate' } }))

  it('draws a balanced winner from the augmented pool and a loser of k from the neutral pool', () => {
    const rng = new Rng(3)
    for (let t = 0; t < 20; t++) {
      const p = buildSetPair(augmented, neutral, 5, ['silhouette', 'tone'], rng)
      expect(p.swapped).toBe(false)
      expect(p.winner).toHaveLength(5)
      expect(p.loser).toHaveLength(5)
      expect(new Set(p.winner).size).toBe(5)
      expect(p.winner.every((id) => id >= 100)).toBe(true)
      expect(p.loser.every((id) => id <= 20)).toBe(true)
      // Balanced: five images from five different class combinations.
      expect(new Set(p.winner.map((id) => augmented.find((a) => a.id === id)!.combo)).size).toBe(5)
    }
  })

  it('swaps the sides when the neutral set is more diverse on every axis', () => {
    const narrow: AugmentedImage[] = Array.from({ length: 6 }, (_, i) => ({ id: 200 + i, attributes: { silhouette: 'round', tone: 'teal' }, combo: 'x' }))
    const wide: PoolImage[] = [
      ['round', 'amber'],
      ['angular', 'teal'],
      ['round', 'violet'],
      ['angular', 'rose'],
      ['round', 'olive']
    ].map(([s, t], i) => ({ id: 1 + i, attributes: { silhouette: s, tone: t } }))
    const p = buildSetPair(narrow, wide, 5, ['silhouette', 'tone'], new Rng(1))
    expect(p.swapped).toBe(true)
    expect(p.winner.sort()).toEqual([1, 2, 3, 4, 5])
    expect(p.diversity).toEqual({ silhouette: { augmented: 1, neutral: 2 }, tone: { augmented: 1, neutral: 5 } })
    // One axis at least as diverse keeps the augmented set the winner (the paper's "or").
    const half = wide.map((w) => ({ ...w, attributes: { ...w.attributes, silhouette: 'round' } }))
    expect(buildSetPair(narrow, half, 5, ['silhouette', 'tone'], new Rng(1)).swapped).toBe(false)
    expect(distinctClasses(wide, 'tone')).toBe(5)
  })

  it('refuses pools smaller than a set', () => {
    expect(() => buildSetPair(augmented.slice(0, 3), neutral, 5, ['tone'], new Rng(1))).toThrow(/augmented pool has 3 images; a set needs 5/)
    expect(() => buildSetPair(augmented, neutral.slice(0, 4), 5, ['tone'], new Rng(1))).toThrow(/neutral pool has 4 images; a set needs 5/)
  })
})
