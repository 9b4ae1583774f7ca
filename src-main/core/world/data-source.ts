// The pretraining data source of the built-in world: an endless stream of (image, caption) pairs whose
// attributes follow the configured per-concept bias. Most captions are identity-neutral; a fraction
// name the attributes, which is what lets a model trained on it follow identity-specific prompts.

import { Rng } from '../engine/rng'
import { resolveWorldBias, type WorldBias, type WorldBiasOverrides } from './bias'
import { neutralPrompt, randomTemplate, specificPrompt, type PromptAttributes } from './prompts'
import { sampleCategorical } from './random'
import { CHANNELS, DEFAULT_IMAGE_SIZE, renderFigureInto } from './renderer'
import { CONCEPTS, SILHOUETTES, TONES, type FigureSpec } from './taxonomy'
import { VOCAB_SIZE, encodePrompts } from './vocabulary'

export interface WorldDataOptions {
  /** Per-concept attribute distributions (partial overrides of the SDXL-like default). */
  bias?: WorldBiasOverrides
  /** Fraction of captions that name attributes (default 0.3). */
  captionAttributeFraction?: number
  /** Seeds the internal stream used when sampleBatch gets no generator. */
  seed?: number
  /** Image side in pixels (default 16). */
  imageSize?: number
  /** Relative frequency of each concept (default uniform), in CONCEPTS order. */
  conceptWeights?: number[]
}

export interface WorldBatchLabels {
  /** Index into CONCEPTS. */
  concept: Int32Array
  /** Index into SILHOUETTES (meaningful even for the astronaut, whose render hides it). */
  silhouette: Int32Array
  /** Index into TONES. */
  tone: Int32Array
  /** 1 where the caption names at least one attribute. */
  captionNamesAttributes: Uint8Array
}

export interface WorldBatch {
  batchSize: number
  imageSize: number
  /** [B, S, S, 3] HWC in [-1, 1]. */
  images: Float32Array
  /** [B, VOCAB_SIZE] bag-of-words captions. */
  cond: Float32Array
  prompts: string[]
  labels: WorldBatchLabels
}

export interface WorldDataSource {
  readonly bias: WorldBias
  readonly vocabSize: number
  readonly imageSize: number
  readonly captionAttributeFraction: number
  sampleBatch(rng: Rng | undefined, batchSize: number): WorldBatch
}

/**
 * Within attribute-naming captions: most name both attributes, some only one, so prompts naming a
 * single attribute ("a teal doctor") also work.
 */
const BOTH_ATTRIBUTES = 0.7

export function createWorldDataSource(options: WorldDataOptions = {}): WorldDataSource {
  const bias = resolveWorldBias(options.bias ?? {})
  const fraction = options.captionAttributeFraction ?? 0.3
  if (typeof fraction !== 'number' || !(fraction >= 0 && fraction <= 1)) throw new Error(`captionAttributeFraction must be in [0, 1], got ${String(fraction)}`)
  const imageSize = options.imageSize ?? DEFAULT_IMAGE_SIZE
  const conceptWeights = options.conceptWeights ?? CONCEPTS.map(() => 1)
  if (conceptWeights.length !== CONCEPTS.length || conceptWeights.some((w) => !(w >= 0))) {
    throw new Error(`conceptWeights must be ${CONCEPTS.length} non-negative numbers (one per concept: ${CONCEPTS.join(', ')})`)
  }
  const internal = new Rng(options.seed ?? 0)

  function caption(rng: Rng, spec: FigureSpec): { text: string; named: boolean } {
    const template = randomTemplate(rng)
    if (rng.uniform() >= fraction) return { text: neutralPrompt(spec.concept, template), named: false }
    const u = rng.uniform()
    const attrs: PromptAttributes =
      u < BOTH_ATTRIBUTES
        ? { silhouette: spec.silhouette, tone: spec.tone }
        : u < BOTH_ATTRIBUTES + (1 - BOTH_ATTRIBUTES) / 2
          ? { silhouette: spec.silhouette }
          : { tone: spec.tone }
    return { text: specificPrompt(spec.concept, attrs, template), named: true }
  }

  return {
    bias,
    vocabSize: VOCAB_SIZE,
    imageSize,
    captionAttributeFraction: fraction,
    sampleBatch(rng: Rng | undefined, batchSize: number): WorldBatch {
      if (!Number.isInteger(batchSize) || batchSize <= 0) throw new Error(`batch size must be a positive integer, got ${String(batchSize)}`)
      const r = rng ?? internal
      const pixels = imageSize * imageSize * CHANNELS
      const images = new Float32Array(batchSize * pixels)
      const prompts: string[] = []
      const labels: WorldBatchLabels = {
        concept: new Int32Array(batchSize),
        silhouette: new Int32Array(batchSize),
        tone: new Int32Array(batchSize),
        captionNamesAttributes: new Uint8Array(batchSize)
      }
      for (let b = 0; b < batchSize; b++) {
        const ci = sampleCategorical(r, conceptWeights)
        const concept = CONCEPTS[ci]
        const si = sampleCategorical(r, bias[concept].silhouette)
        const ti = sampleCategorical(r, bias[concept].tone)
        const spec: FigureSpec = { concept, silhouette: SILHOUETTES[si], tone: TONES[ti] }
        renderFigureInto(images, b * pixels, spec, r, { size: imageSize })
        const cap = caption(r, spec)
        prompts.push(cap.text)
        labels.concept[b] = ci
        labels.silhouette[b] = si
        labels.tone[b] = ti
        labels.captionNamesAttributes[b] = cap.named ? 1 : 0
      }
      return { batchSize, imageSize, images, cond: encodePrompts(prompts), prompts, labels }
    }
  }
}
