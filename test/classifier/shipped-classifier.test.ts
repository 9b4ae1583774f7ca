// The shipped classifier (resources/classifier) run through onnxruntime-node on fresh renders that
// neither training nor the CLI's held-out check used.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readFileSync, statSync } from 'node:fs'
import { resolve } from 'node:path'
import { evaluateOnRenders } from '../../src-main/core/classifier/evaluate'
import { parseClassifierMapping } from '../../src-main/core/classifier/mapping'
import { OnnxAttributeClassifier } from '../../src-main/core/classifier/onnx-classifier'
import { classifyImages, WORLD_CLASSIFIER_ID } from '../../src-main/core/classifier/world-classifier'
import { renderFigure } from '../../src-main/core/world/renderer'
import { WORLD_CLASSIFIER_DIR } from '../helpers/config'

const dir = resolve(__dirname, '../../resources/classifier')
let classifier: OnnxAttributeClassifier

beforeAll(async () => {
  classifier = await OnnxAttributeClassifier.load(resolve(dir, 'world-classifier.mapping.json'))
})
afterAll(async () => {
  await classifier?.dispose()
})

describe('shipped world classifier', () => {
  it('is small and ships with a valid mapping and a training log', () => {
    expect(statSync(resolve(dir, 'world-classifier.onnx')).size).toBeLessThan(2 * 1024 * 1024)
    const mapping = parseClassifierMapping(readFileSync(resolve(dir, 'world-classifier.mapping.json'), 'utf8'))
    expect(mapping.id).toBe(WORLD_CLASSIFIER_ID)
    expect(mapping.axes.map((a) => [a.name, a.classes.length])).toEqual([
      ['silhouette', 2],
      ['tone', 6]
    ])
    const log = JSON.parse(readFileSync(resolve(dir, 'world-classifier.training-log.json'), 'utf8'))
    expect(log.command).toMatch(/train-classifier\.ts/)
    expect(log.heldOut.toneAccuracy).toBeGreaterThanOrEqual(0.98)
  })

  it('reaches at least 98% held-out accuracy on concept and both axes, and refuses to guess on astronauts', async () => {
    const report = await evaluateOnRenders(classifier, 2700, 20261123)
    expect(report.conceptAccuracy).toBeGreaterThanOrEqual(0.98)
    expect(report.silhouetteAccuracy).toBeGreaterThanOrEqual(0.98)
    expect(report.toneAccuracy).toBeGreaterThanOrEqual(0.98)
    expect(report.hiddenNoDetection).toBeGreaterThanOrEqual(0.98)
    expect(report.nonFigureNoDetection).toBeGreaterThanOrEqual(0.98)
  })

  it('gives no_detection, not a guess, for a blank frame and a flat dark image', async () => {
    const blank = new Float32Array(16 * 16 * 3).fill(0.8)
    const dark = new Float32Array(16 * 16 * 3).fill(-0.9)
    const both = new Float32Array(blank.length * 2)
    both.set(blank, 0)
    both.set(dark, blank.length)
    const results = await classifier.classify(both, 2)
    expect(results.map((r) => r.status)).toEqual(['no_detection', 'no_detection'])
  })

  it('returns statuses, verdicts and penultimate features per image', async () => {
    const a = renderFigure({ concept: 'pilot', silhouette: 'round', tone: 'violet' }, 5)
    const b = renderFigure({ concept: 'astronaut', silhouette: 'round', tone: 'violet' }, 6)
    const broken = new Float32Array(a.length).fill(Number.NaN)
    const images = new Float32Array(a.length * 3)
    images.set(a, 0)
    images.set(b, a.length)
    images.set(broken, 2 * a.length)
    const [pilot, astronaut, bad] = await classifier.classify(images, 3)
    expect(pilot.status).toBe('ok')
    expect(pilot.concept).toBe('pilot')
    expect(pilot.axes.silhouette.cls).toBe('round')
    expect(pilot.axes.tone.cls).toBe('violet')
    expect(pilot.features?.length).toBe(128)
    expect(astronaut.status).toBe('no_detection')
    expect(astronaut.concept).toBe('astronaut')
    expect(astronaut.axes).toEqual({})
    expect(bad.status).toBe('error')
    expect(bad.error).toMatch(/NaN/)
  })

  it('classifyImages uses the shipped classifier and checks the buffer size', async () => {
    const img = renderFigure({ concept: 'farmer', silhouette: 'angular', tone: 'olive' }, 9)
    const [r] = await classifyImages(WORLD_CLASSIFIER_DIR, img, 1)
    expect([r.status, r.concept, r.axes.tone?.cls]).toEqual(['ok', 'farmer', 'olive'])
    await expect(classifier.classify(img, 2)).rejects.toThrow(/expected 2 images/)
  })
})
