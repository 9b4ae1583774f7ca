import { describe, expect, it } from 'vitest'
import { Rng } from '../../src-main/core/random/rng'
import { createWorldDataSource } from '../../src-main/core/world/data-source'
import { resolveWorldBias, SDXL_LIKE_BIAS } from '../../src-main/core/world/bias'
import { parsePrompt } from '../../src-main/core/world/prompts'
import { CONCEPTS, SILHOUETTES, TONES } from '../../src-main/core/world/taxonomy'
import { encodePrompt, VOCAB_SIZE } from '../../src-main/core/world/vocabulary'

describe('world data source', () => {
  it('returns images, captions and labels of the right shapes, reproducibly', () => {
    const src = createWorldDataSource({ seed: 1 })
    const a = src.sampleBatch(new Rng(5), 8)
    const b = src.sampleBatch(new Rng(5), 8)
    expect(a.images.length).toBe(8 * 16 * 16 * 3)
    expect(a.cond.length).toBe(8 * VOCAB_SIZE)
    expect(src.vocabSize).toBe(VOCAB_SIZE)
    expect(Array.from(a.images)).toEqual(Array.from(b.images))
    expect(a.prompts).toEqual(b.prompts)
    for (let i = 0; i < 8; i++) expect(Array.from(a.cond.subarray(i * VOCAB_SIZE, (i + 1) * VOCAB_SIZE))).toEqual(Array.from(encodePrompt(a.prompts[i])))
  })

  it('captions agree with the labels and name attributes at the configured rate', () => {
    const src = createWorldDataSource({ captionAttributeFraction: 0.3 })
    const batch = src.sampleBatch(new Rng(2), 4000)
    let named = 0
    for (let i = 0; i < batch.batchSize; i++) {
      const p = parsePrompt(batch.prompts[i])
      expect(p.concept).toBe(CONCEPTS[batch.labels.concept[i]])
      if (p.silhouette) expect(p.silhouette).toBe(SILHOUETTES[batch.labels.silhouette[i]])
      if (p.tone) expect(p.tone).toBe(TONES[batch.labels.tone[i]])
      const namesAny = p.silhouette !== null || p.tone !== null
      expect(namesAny).toBe(batch.labels.captionNamesAttributes[i] === 1)
      if (namesAny) named++
    }
    // Binomial(4000, 0.3): sd 29, so 4 sd is ~0.029.
    expect(Math.abs(named / 4000 - 0.3)).toBeLessThan(0.03)
  })

  it('follows the configured per-concept bias within sampling error', () => {
    const bias = { doctor: { silhouette: [0.1, 0.9], tone: [0.5, 0.1, 0.1, 0.1, 0.1, 0.1] } }
    const weights = CONCEPTS.map((c) => (c === 'doctor' ? 1 : 0))
    const src = createWorldDataSource({ bias, conceptWeights: weights })
    const n = 3000
    const batch = src.sampleBatch(new Rng(3), n)
    const angular = batch.labels.silhouette.reduce((s, v) => s + (v === 1 ? 1 : 0), 0) / n
    const amber = batch.labels.tone.reduce((s, v) => s + (v === 0 ? 1 : 0), 0) / n
    // 4 standard errors of a binomial proportion.
    expect(Math.abs(angular - 0.9)).toBeLessThan(4 * Math.sqrt((0.9 * 0.1) / n))
    expect(Math.abs(amber - 0.5)).toBeLessThan(4 * Math.sqrt((0.5 * 0.5) / n))
    expect(batch.labels.concept.every((c) => c === 0)).toBe(true)
  })

  it("'balanced' draws named attributes uniformly while neutral captions keep the bias", () => {
    // Firefighters are 97% angular and 80% amber by default.
    const weights = CONCEPTS.map((c) => (c === 'firefighter' ? 1 : 0))
    const src = createWorldDataSource({ conceptWeights: weights, captionAttributeFraction: 0.5, namedAttributes: 'balanced' })
    expect(src.namedAttributes).toBe('balanced')
    const batch = src.sampleBatch(new Rng(4), 6000)
    const namedRound = { n: 0, hit: 0 }
    const namedTeal = { n: 0, hit: 0 }
    const neutralRound = { n: 0, hit: 0 }
    for (let i = 0; i < batch.batchSize; i++) {
      const p = parsePrompt(batch.prompts[i])
      const round = batch.labels.silhouette[i] === 0
      const tally = (t: { n: number; hit: number }, hit: boolean): void => {
        t.n++
        t.hit += hit ? 1 : 0
      }
      if (p.silhouette) tally(namedRound, round)
      if (p.tone) tally(namedTeal, batch.labels.tone[i] === 1)
      if (!p.silhouette && !p.tone) tally(neutralRound, round)
      if (p.silhouette) expect(p.silhouette).toBe(SILHOUETTES[batch.labels.silhouette[i]])
      if (p.tone) expect(p.tone).toBe(TONES[batch.labels.tone[i]])
    }
    expect(Math.abs(namedRound.hit / namedRound.n - 0.5)).toBeLessThan(0.05)
    expect(Math.abs(namedTeal.hit / namedTeal.n - 1 / 6)).toBeLessThan(0.04)
    expect(neutralRound.hit / neutralRound.n).toBeLessThan(0.06)
  })

  it("'biased' (the default) keeps the stream the shipped classifier and experiments were made from", () => {
    // Golden values recorded from the stream before 'balanced' existed.
    const batch = createWorldDataSource({ captionAttributeFraction: 0.5 }).sampleBatch(new Rng(9), 32)
    expect(batch.prompts.slice(0, 6)).toEqual([
      'a photo of a chef',
      'a drawing of a firefighter',
      'a portrait of a round olive farmer',
      'a painter',
      'a photo of an angular amber firefighter',
      'a portrait of a doctor'
    ])
    let hash = 0
    for (const v of batch.images) hash = (hash * 31 + Math.round(v * 1000)) | 0
    expect(hash).toBe(1326532268)
  })

  it('defaults to the SDXL-like bias: some concepts at least 90% one silhouette, a skewed tone axis', () => {
    const src = createWorldDataSource()
    expect(src.bias).toEqual(resolveWorldBias())
    const strong = CONCEPTS.filter((c) => Math.max(...SDXL_LIKE_BIAS[c].silhouette) >= 0.9)
    expect(strong.length).toBeGreaterThanOrEqual(3)
    for (const c of CONCEPTS) expect(Math.max(...SDXL_LIKE_BIAS[c].tone)).toBeGreaterThan(1 / 6 + 0.1)
  })

  it('rejects bad configuration with a message naming the problem', () => {
    expect(() => createWorldDataSource({ bias: { wizard: {} } as never })).toThrow(/unknown concept "wizard"/)
    expect(() => createWorldDataSource({ bias: { doctor: { silhouette: [1, 2, 3] } } })).toThrow(/doctor.silhouette: expected 2/)
    expect(() => createWorldDataSource({ bias: { doctor: { tone: [1, -1, 0, 0, 0, 0] } } })).toThrow(/doctor.tone: -1/)
    expect(() => createWorldDataSource({ captionAttributeFraction: 1.5 })).toThrow(/captionAttributeFraction/)
    expect(() => createWorldDataSource({ namedAttributes: 'fair' as never })).toThrow(/namedAttributes must be/)
    expect(() => createWorldDataSource().sampleBatch(undefined, 0)).toThrow(/batch size/)
  })
})
