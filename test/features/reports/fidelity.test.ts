// The fidelity figure must see damage and must not see the attribute mix. Clean renders of the built-in
// world are damaged on purpose (noise, blur, a colour cast, three strengths each) and audited against
// their matched references with the real shipped classifier; a fair and a strongly biased set of clean
// renders of the same prompts must get the same figure.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CORRUPTION_LADDER, type CorruptionKind } from '../../../src-main/core/features/reports/figures/corruptions'
import { FIDELITY_UNIT, fidelityEstimate, kernelScaleOf, pairedMmd, pixelDescriptor, type FidelityPair } from '../../../src-main/core/features/reports/figures/fidelity'
import type { Estimate } from '../../../src-main/core/features/reports/figures/report-model'
import { openClassifier } from '../../../src-main/core/classifier/open'
import type { ImageClassifier } from '../../../src-main/core/classifier/classifier'
import { cleanSet, fidelityResponse, type ResponseRow } from '../../../src-main/core/features/reports/fidelity-check'
import { openWorldFidelity, type WorldFidelity } from '../../../src-main/core/features/reports/world-fidelity'
import { Rng } from '../../../src-main/core/random/rng'
import { CHANNELS } from '../../../src-main/core/world/renderer'
import { RESOURCES_DIR } from '../../helpers/config'

const SIZE = 16
const PER = SIZE * SIZE * CHANNELS
const N = 160

let classifier: ImageClassifier
let fidelity: WorldFidelity
let rows: ResponseRow[]

beforeAll(async () => {
  classifier = await openClassifier('builtin', RESOURCES_DIR)
  fidelity = (await openWorldFidelity(classifier)) as WorldFidelity
  rows = await fidelityResponse(classifier, fidelity, N)
})
afterAll(async () => {
  await classifier.dispose()
})

const overlap = (a: Estimate, b: Estimate): boolean => (a.ciLow as number) <= (b.ciHigh as number) && (b.ciLow as number) <= (a.ciHigh as number)
const row = (kind: ResponseRow['kind']): ResponseRow[] => rows.filter((r) => r.kind === kind)

describe('image fidelity against matched clean references', () => {
  it('is about 0 on clean renders: its interval contains 0 and its estimate', () => {
    const clean = row('clean')[0].figures.pixels
    expect(clean.n).toBe(N)
    expect(clean.ciLow as number).toBeLessThanOrEqual(0)
    expect(clean.ciHigh as number).toBeGreaterThanOrEqual(0)
    expect(clean.ciLow as number).toBeLessThanOrEqual(clean.value as number)
    expect(clean.ciHigh as number).toBeGreaterThanOrEqual(clean.value as number)
  })

  it.each(['noise', 'blur', 'colour'] as CorruptionKind[])('gets worse at every strength of %s, and the mildest is already apart from clean', (kind) => {
    const clean = row('clean')[0].figures.pixels
    const damaged = row(kind).map((r) => r.figures.pixels)
    expect(damaged.map((_, i) => row(kind)[i].strength)).toEqual([...CORRUPTION_LADDER[kind]])
    const values = [clean, ...damaged].map((e) => e.value as number)
    for (let i = 1; i < values.length; i++) expect(values[i], `${kind}: ${values.join(' < ')}`).toBeGreaterThan(values[i - 1])
    expect(damaged[0].ciLow as number, `${kind} mildest ${JSON.stringify(damaged[0])} vs clean ${JSON.stringify(clean)}`).toBeGreaterThan(clean.ciHigh as number)
  })

  it('does not see the attribute mix: a strongly biased clean set scores like a fair one, in pixels and in features', () => {
    const fair = row('clean')[0].figures
    const biased = row('biased')[0].figures
    for (const space of ['pixels', 'features'] as const) {
      expect(overlap(biased[space], fair[space]), `${space}: biased ${biased[space].value} vs fair ${fair[space].value}`).toBe(true)
      expect(biased[space].value as number).toBeGreaterThanOrEqual(fair[space].ciLow as number)
      expect(biased[space].value as number).toBeLessThanOrEqual(fair[space].ciHigh as number)
    }
    // The Frechet distance to fair renders, by contrast, is moved by the mix alone: the confound the
    // report states next to it.
    expect(biased.frechetToFair).toBeGreaterThan(2 * fair.frechetToFair)
  })

  it('does see a wrong reference: the biased set paired with fair references is far off', () => {
    // The same statistic with an unmatched reference is exactly the confound the matching removes.
    const biased = cleanSet(N, true, 2)
    const fair = cleanSet(N, false, 3)
    const pairs: FidelityPair[] = Array.from({ length: N }, (_, i) => ({
      imageId: String(i),
      image: pixelDescriptor(biased.images.subarray(i * PER, (i + 1) * PER), SIZE),
      reference: pixelDescriptor(fair.images.subarray(i * PER, (i + 1) * PER), SIZE)
    }))
    const mismatched = pairedMmd(pairs, fidelity.scale.pixels) * FIDELITY_UNIT
    expect(mismatched).toBeGreaterThan((row('clean')[0].figures.pixels.ciHigh as number) * 3)
  })
})

describe('fidelity statistic', () => {
  it('rejects images of the wrong size and keeps a finite scale for constant blocks', () => {
    expect(() => pixelDescriptor(new Float32Array(10), 16)).toThrow(/expected 768/)
    const flat = pixelDescriptor(new Float32Array(PER), SIZE)
    expect(kernelScaleOf([flat, flat]).every((s) => s > 0 && Number.isFinite(s))).toBe(true)
  })

  it('subsamples large sets deterministically and says how many images it used', () => {
    const rng = new Rng(5)
    const pairs: FidelityPair[] = Array.from({ length: 1300 }, (_, i) => ({ imageId: String(i), image: [Float64Array.of(rng.normal())], reference: [Float64Array.of(rng.normal())] }))
    const a = fidelityEstimate(pairs, [1], 5, new Rng(1), () => '')
    const b = fidelityEstimate(pairs, [1], 5, new Rng(1), () => '')
    expect(a.n).toBe(1200)
    expect(a).toEqual(b)
  })
})
