// Held-out accuracy of an attribute classifier on fresh renders: the numbers the training log records
// and the tests assert (at least 98% on concept and both axes; the astronaut comes out no_detection).

import { CONCEPTS, SILHOUETTES, TONES, HIDDEN_CONCEPT, AXIS_A, AXIS_B } from '../world/taxonomy'
import type { OnnxAttributeClassifier } from './onnx-classifier'
import { balancedRenders, nonFigureImages } from './training-data'

export interface HeldOutReport {
  images: number
  /** Concept accuracy over every image, astronaut included. */
  conceptAccuracy: number
  /** Over visible figures: share with status ok. */
  visibleDetected: number
  /** Over visible figures, counting anything but a correct ok verdict as wrong. */
  silhouetteAccuracy: number
  toneAccuracy: number
  /** Over astronauts: share with status no_detection. */
  hiddenNoDetection: number
  /** Over images with no figure (blank, flat colour, noise): share with status no_detection. */
  nonFigureNoDetection: number
  statusCounts: Record<string, number>
}

export async function evaluateOnRenders(classifier: OnnxAttributeClassifier, count: number, seed: number, nonFigures = Math.ceil(count / 10)): Promise<HeldOutReport> {
  const data = balancedRenders(count, seed)
  const empties = await classifier.classify(nonFigureImages(nonFigures, seed), nonFigures)
  const results = await classifier.classify(data.images, data.count)
  let concept = 0
  let visible = 0
  let detected = 0
  let silhouette = 0
  let tone = 0
  let hidden = 0
  let hiddenNone = 0
  const statusCounts: Record<string, number> = {}
  results.forEach((r, i) => {
    statusCounts[r.status] = (statusCounts[r.status] ?? 0) + 1
    if (r.concept === CONCEPTS[data.concept[i]]) concept++
    if (CONCEPTS[data.concept[i]] === HIDDEN_CONCEPT) {
      hidden++
      if (r.status === 'no_detection') hiddenNone++
      return
    }
    visible++
    if (r.status === 'ok') detected++
    if (r.status === 'ok' && r.axes[AXIS_A.name]?.cls === SILHOUETTES[data.silhouette[i]]) silhouette++
    if (r.status === 'ok' && r.axes[AXIS_B.name]?.cls === TONES[data.tone[i]]) tone++
  })
  return {
    images: count,
    conceptAccuracy: concept / count,
    visibleDetected: detected / Math.max(1, visible),
    silhouetteAccuracy: silhouette / Math.max(1, visible),
    toneAccuracy: tone / Math.max(1, visible),
    hiddenNoDetection: hiddenNone / Math.max(1, hidden),
    nonFigureNoDetection: empties.filter((r) => r.status === 'no_detection').length / nonFigures,
    statusCounts
  }
}
