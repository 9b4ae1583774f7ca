// The fidelity figure's own check: clean renders of the built-in world, damaged on purpose (noise,
// blur, a colour cast at three strengths each), and a fair and a strongly biased clean set of the same
// prompts, each audited against matched references with the shipped classifier. A quality figure must
// get worse as the damage grows and must stay put when only the attribute mix changes. The tests assert
// this; `npm run fidelity-check` prints the table that docs/quality.md records.
import { CORRUPTION_LADDER, corruptImages, type CorruptionKind } from './figures/corruptions'
import { fidelityEstimate, fidelityPairs } from './figures/fidelity'
import { frechetDistanceOfFeatures } from '../../stats/frechet'
import type { Estimate } from './figures/report-model'
import { Rng } from '../../random/rng'
import { neutralPrompt } from '../../world/prompts'
import { CHANNELS, renderFigureInto } from '../../world/renderer'
import { SILHOUETTES, TONES, VISIBLE_CONCEPTS, type FigureSpec } from '../../world/taxonomy'

import type { WorldFidelity } from './world-fidelity'
import type { ImageClassifier } from '../../classifier/classifier'

export interface ImageSet {
  images: Float32Array
  count: number
  prompts: string[]
}

/** `count` clean renders of the neutral prompts; attributes uniform (fair) or 95% / 90% one class (biased). */
export function cleanSet(count: number, biased: boolean, seed: number, size = 16): ImageSet {
  const per = size * size * CHANNELS
  const rng = new Rng(seed)
  const images = new Float32Array(count * per)
  const prompts: string[] = []
  for (let i = 0; i < count; i++) {
    const concept = VISIBLE_CONCEPTS[i % VISIBLE_CONCEPTS.length]
    const spec: FigureSpec = biased
      ? { concept, silhouette: rng.uniform() < 0.95 ? 'angular' : 'round', tone: rng.uniform() < 0.9 ? 'amber' : TONES[rng.int(TONES.length)] }
      : { concept, silhouette: SILHOUETTES[rng.int(SILHOUETTES.length)], tone: TONES[rng.int(TONES.length)] }
    renderFigureInto(images, i * per, spec, rng, { size })
    prompts.push(neutralPrompt(concept))
  }
  return { images, count, prompts }
}

export interface SetFigures {
  pixels: Estimate
  features: Estimate
  /** Frechet distance of the classifier features to a fair clean set (the old figure, for contrast). */
  frechetToFair: number
}

/** The fidelity figures of one image set (and its Frechet distance to `fairFeatures`). */
export async function auditSet(classifier: ImageClassifier, fidelity: WorldFidelity, set: ImageSet, label: string, fairFeatures: readonly Float32Array[], resamples = 200): Promise<SetFigures> {
  const classifyPixels = classifier.classifyPixels
  if (!classifyPixels) throw new Error('the fidelity check needs the built-in classifier')
  const per = classifier.imageSize * classifier.imageSize * CHANNELS
  const classified = await classifyPixels(set.images, set.count)
  const evidence = await fidelity.evidence(
    set.prompts.map((promptText, i) => ({ imageId: `${label}-${i}`, promptText, pixels: set.images.subarray(i * per, (i + 1) * per), classification: classified[i] }))
  )
  const figure = (space: 'pixels' | 'features'): Estimate => {
    const pairs = fidelityPairs(evidence, space)
    const scale = space === 'pixels' ? fidelity.scale.pixels : fidelity.scale.features
    if (!scale) throw new Error('the classifier gives no features')
    return fidelityEstimate(pairs, scale, resamples, Rng.derive(0, label, space), () => '')
  }
  const features = classified.map((c) => c.features).filter((f): f is Float32Array => f !== null)
  return { pixels: figure('pixels'), features: figure('features'), frechetToFair: frechetDistanceOfFeatures(features, fairFeatures) }
}

export interface ResponseRow {
  label: string
  kind: CorruptionKind | 'clean' | 'biased'
  strength: number
  figures: SetFigures
}

/** Clean, each corruption at each strength, and a biased clean set: the rows of the response table. */
export async function fidelityResponse(classifier: ImageClassifier, fidelity: WorldFidelity, count = 160): Promise<ResponseRow[]> {
  const size = classifier.imageSize
  const clean = cleanSet(count, false, 1, size)
  const fairRef = cleanSet(count, false, 3, size)
  const fairFeatures = (await classifier.classifyPixels!(fairRef.images, count)).map((c) => c.features).filter((f): f is Float32Array => f !== null)
  const rows: ResponseRow[] = [{ label: 'clean, fair', kind: 'clean', strength: 0, figures: await auditSet(classifier, fidelity, clean, 'clean', fairFeatures) }]
  for (const kind of Object.keys(CORRUPTION_LADDER) as CorruptionKind[]) {
    for (const strength of CORRUPTION_LADDER[kind]) {
      const damaged: ImageSet = { ...clean, images: corruptImages(clean.images, count, size, { kind, strength }, 7) }
      rows.push({ label: `${kind} ${strength}`, kind, strength, figures: await auditSet(classifier, fidelity, damaged, `${kind}-${strength}`, fairFeatures) })
    }
  }
  rows.push({ label: 'clean, strongly biased', kind: 'biased', strength: 0, figures: await auditSet(classifier, fidelity, cleanSet(count, true, 2, size), 'biased', fairFeatures) })
  return rows
}
