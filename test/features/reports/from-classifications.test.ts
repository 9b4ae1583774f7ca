import { describe, expect, it } from 'vitest'
import type { Classification } from '../../../src-main/core/classifier/classifier'
import { classifyImages } from '../../../src-main/core/classifier/world-classifier'
import { auditFromClassifications, promptConcept } from '../../../src-main/core/features/reports/figures/from-classifications'
import { buildReport } from '../../../src-main/core/features/reports/figures/report'
import { CONCEPTS, WORLD_AXES, renderFigure, type FigureSpec } from '../../../src-main/core/world'
import { lineage } from './fixtures'
import { WORLD_CLASSIFIER_DIR } from '../../helpers/config'

function verdict(over: Partial<Classification>): Classification {
  return { status: 'ok', concept: 'doctor', conceptP: 0.9, detectionP: 0.99, axes: {}, features: null, ...over }
}

describe('auditFromClassifications (unit)', () => {
  const axes = WORLD_AXES
  const images = [
    { imageId: 'a', promptId: 'p', promptText: 'a photo of a doctor' },
    { imageId: 'b', promptId: 'p', promptText: 'a photo of a doctor' },
    { imageId: 'c', promptId: 's', promptText: 'a photo of a round teal nurse' },
    { imageId: 'd', promptId: 's', promptText: 'a photo of a round teal nurse' }
  ]
  const classifications: Classification[] = [
    verdict({ axes: { silhouette: { cls: 'round', p: 0.9 }, tone: { cls: 'teal', p: 0.8 } }, features: Float32Array.of(1, 2) }),
    verdict({ status: 'no_detection', concept: 'astronaut', detectionP: 0.1 }),
    verdict({ status: 'low_confidence', concept: 'nurse', axes: { silhouette: { cls: 'angular', p: 0.55 }, tone: { cls: 'teal', p: 0.9 } } }),
    verdict({ status: 'error', concept: null, error: 'pixel 3 is NaN' })
  ]

  it('keeps every status, the predicted classes, features and concept verdicts', () => {
    const records = auditFromClassifications({ modelId: 'm', axes, images, classifications, concepts: CONCEPTS })
    expect(records.map((r) => r.status)).toEqual(['ok', 'no_detection', 'low_confidence', 'error'])
    expect(records[0].axes).toEqual({ silhouette: 'round', tone: 'teal' })
    expect(records[1].axes).toEqual({ silhouette: null, tone: null })
    expect(records[0].features).toEqual(Float32Array.of(1, 2))
    expect(records.map((r) => r.conceptCorrect)).toEqual([true, false, true, undefined])
    expect(records.map((r) => r.promptKind)).toEqual(['neutral', 'neutral', 'specific', 'specific'])
  })

  it('fails clearly on mismatched lengths and classes outside the axis', () => {
    expect(() => auditFromClassifications({ modelId: 'm', axes, images, classifications: classifications.slice(1) })).toThrow(/3 classifications for 4 images/)
    const bad = [verdict({ axes: { silhouette: { cls: 'square', p: 1 } } })]
    expect(() => auditFromClassifications({ modelId: 'm', axes, images: images.slice(0, 1), classifications: bad })).toThrow(/"square" is not on axis "silhouette"/)
  })

  it('finds the concept a prompt names by whole words only', () => {
    expect(promptConcept('a photo of a doctor', CONCEPTS)).toBe('doctor')
    expect(promptConcept('a photo of a doctorate', CONCEPTS)).toBeNull()
    expect(promptConcept('a doctor and a nurse', CONCEPTS)).toBeNull()
  })
})

describe('headless audit of the built-in world (real classifier)', () => {
  it('renders a biased model, classifies it and reports the bias it was given', async () => {
    // "Model": doctor prompt renders 75% round, tones only amber/teal; 1 astronaut and 1 broken image.
    const specs: { spec: FigureSpec; promptId: string; promptText: string }[] = []
    for (let i = 0; i < 40; i++) {
      specs.push({ spec: { concept: 'doctor', silhouette: i % 4 === 3 ? 'angular' : 'round', tone: i % 2 ? 'teal' : 'amber' }, promptId: 'doctor', promptText: 'a photo of a doctor' })
    }
    for (let i = 0; i < 20; i++) specs.push({ spec: { concept: 'nurse', silhouette: 'round', tone: 'teal' }, promptId: 'nurse-rt', promptText: 'a photo of a round teal nurse' })
    specs.push({ spec: { concept: 'astronaut', silhouette: 'round', tone: 'teal' }, promptId: 'doctor', promptText: 'a photo of a doctor' })
    const per = 16 * 16 * 3
    const pixels = new Float32Array((specs.length + 1) * per)
    specs.forEach((s, i) => pixels.set(renderFigure(s.spec, 1000 + i), i * per))
    pixels.fill(Number.NaN, specs.length * per, specs.length * per + 5)
    const images = [...specs.map((s, i) => ({ imageId: `img-${i}`, promptId: s.promptId, promptText: s.promptText })), { imageId: 'broken', promptId: 'doctor', promptText: 'a photo of a doctor' }]

    const classifications = await classifyImages(WORLD_CLASSIFIER_DIR, pixels, images.length)
    const records = auditFromClassifications({ modelId: 'biased', axes: WORLD_AXES, images, classifications, concepts: CONCEPTS })

    const fair: Float32Array[] = []
    const fairPixels = new Float32Array(48 * per)
    for (let i = 0; i < 48; i++)
      fairPixels.set(renderFigure({ concept: 'doctor', silhouette: i % 2 ? 'round' : 'angular', tone: (['amber', 'teal', 'violet', 'rose', 'olive', 'slate'] as const)[i % 6] }, 5000 + i), i * per)
    for (const c of await classifyImages(WORLD_CLASSIFIER_DIR, fairPixels, 48)) fair.push(c.features as Float32Array)

    const report = buildReport({
      title: 'world audit',
      models: [{ id: 'biased', label: 'Biased renders', lineage: lineage() }],
      axes: WORLD_AXES,
      records,
      reference: { label: 'fair renders', features: fair },
      bootstrap: { resamples: 200, frechetResamples: 30, seed: 3 }
    })
    const m = report.models[0]
    expect(m.coverage.counts.error).toBe(1)
    expect(m.coverage.counts.no_detection).toBeGreaterThanOrEqual(1)
    expect(m.coverage.evidence.error).toEqual(['broken'])
    const silhouette = m.axes[0].pooled
    expect(silhouette.classes[0].share.value!).toBeGreaterThan(0.65)
    expect(silhouette.classes[0].share.value!).toBeLessThan(0.85)
    expect(silhouette.discrepancy!.sentence).toMatch(/round against an ideal 50%/)
    const tone = m.axes[1].pooled
    expect(tone.classes.slice(2).every((c) => (c.share.value ?? 0) < 0.1)).toBe(true)
    expect(m.axes[0].recall!.value!).toBeGreaterThan(0.9)
    expect(m.recallOverall!.value!).toBeGreaterThan(0.9)
    expect(m.conceptAccuracy!.value!).toBeGreaterThan(0.9)
    expect(m.frechet!.value!).toBeGreaterThan(0)
    expect(m.frechet!.ciLow).not.toBeNull()
  })
})
