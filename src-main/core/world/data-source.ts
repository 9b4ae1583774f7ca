// The pretraining data source of the built-in world: an endless stream of (image, caption) pairs whose
// attributes follow the configured per-concept bias. Most captions are identity-neutral; a fraction
// name the attributes, which is what lets a model trained on it follow identity-specific prompts.
// Figures under neutral captions always follow the bias, so a model asked for "a doctor" learns it.

import { Rng, sampleCategorical } from '../random/rng'
import { resolveWorldBias, type WorldBias, type WorldBiasOverrides } from './bias'
import { neutralPrompt, randomTemplate, specificPrompt, type PromptAttributes } from './prompts'
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
  /**
   * How the attributes a caption names are drawn. 'biased' (default): like every other figure, from the
   * concept's bias, so "a teal firefighter" is as rare as teal firefighters are. 'balanced': uniformly
   * over the named axis's classes, as on the web, where a caption names an attribute most often when
   * it is the notable one; unnamed attributes still follow the bias.
   */
  namedAttributes?: 'biased' | 'balanced'
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
  readonly namedAttributes: 'biased' | 'balanced'
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
  const namedAttributes = options.namedAttributes ?? 'biased'
  if (namedAttributes !== 'biased' && namedAttributes !== 'balanced') throw new Error(`namedAttributes must be "biased" or "balanced", got ${String(namedAttributes)}`)
  const internal = new Rng(options.seed ?? 0)

  /** Which attributes a caption names, if any (the template is drawn first, as the stream always has). */
  function captionPlan(rng: Rng): { template: string; names: { silhouette: boolean; tone: boolean } | null } {
    const template = randomTemplate(rng)
    if (rng.uniform() >= fraction) return { template, names: null }
    const u = rng.uniform()
    const names = u < BOTH_ATTRIBUTES ? { silhouette: true, tone: true } : u < BOTH_ATTRIBUTES + (1 - BOTH_ATTRIBUTES) / 2 ? { silhouette: true, tone: false } : { silhouette: false, tone: true }
    return { template, names }
  }

  function captionText(spec: FigureSpec, plan: ReturnType<typeof captionPlan>): string {
    if (!plan.names) return neutralPrompt(spec.concept, plan.template)
    const attrs: PromptAttributes = {}
    if (plan.names.silhouette) attrs.silhouette = spec.silhouette
    if (plan.names.tone) attrs.tone = spec.tone
    return specificPrompt(spec.concept, attrs, plan.template)
  }

  return {
    bias,
    vocabSize: VOCAB_SIZE,
    imageSize,
    captionAttributeFraction: fraction,
    namedAttributes,
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
        let si = sampleCategorical(r, bias[concept].silhouette)
        let ti = sampleCategorical(r, bias[concept].tone)
        let plan: ReturnType<typeof captionPlan> | undefined
        if (namedAttributes === 'balanced') {
          // The caption is planned before drawing so that named attributes can be redrawn uniformly.
          plan = captionPlan(r)
          if (plan.names?.silhouette) si = r.int(SILHOUETTES.length)
          if (plan.names?.tone) ti = r.int(TONES.length)
        }
        const spec: FigureSpec = { concept, silhouette: SILHOUETTES[si], tone: TONES[ti] }
        renderFigureInto(images, b * pixels, spec, r, { size: imageSize })
        // 'biased' keeps the stream's historic order (render, then caption) so seeded runs reproduce.
        plan ??= captionPlan(r)
        prompts.push(captionText(spec, plan))
        labels.concept[b] = ci
        labels.silhouette[b] = si
        labels.tone[b] = ti
        labels.captionNamesAttributes[b] = plan.names ? 1 : 0
      }
      return { batchSize, imageSize, images, cond: encodePrompts(prompts), prompts, labels }
    }
  }
}
