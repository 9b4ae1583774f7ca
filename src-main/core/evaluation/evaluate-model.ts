// Evaluates a DiT on the built-in world with the shipped classifier:
//  - identity-specific prompts (every visible concept x silhouette x tone): concept accuracy and
//    attribute recall, the "does it follow the prompt" check;
//  - identity-neutral prompts (one per concept): concept accuracy and the attribute distribution, set
//    against the pretraining bias (the starting point PopAlign has to fix);
//  - sample quality: Frechet distance of classifier features (the studio's FID) and mean colour shift,
//    both against real renders of the same prompts.
import type { Classification } from '../classifier/classifier'
import { classifyImages } from '../classifier/world-classifier'
import { resolveWorldBias } from '../world/bias'
import { neutralPromptSet, specificPromptSet } from '../world/prompts'
import { CHANNELS } from '../world/renderer'
import { CONCEPTS, SILHOUETTES, TONES, VISIBLE_CONCEPTS } from '../world/taxonomy'
import type { TrainConfig } from '../engine/train/config'
import { meanColourShift, meanRgb } from './colour'
import { fitFeatureGaussian, frechetDistance } from './frechet'
import { mean, statsByPrompt, type PromptStats } from './prompt-metrics'
import { renderReference } from './reference'
import { defaultSampling, samplePrompts, type SamplingSettings } from './sample-prompts'

export interface ModelUnderTest {
  config: TrainConfig
  params: Readonly<Record<string, Float32Array>>
}

export interface QualityMetrics {
  /** Mean over prompts of the fraction of samples showing the asked concept. */
  conceptAccuracy: number
  /** Squared Frechet distance of classifier features, samples vs real renders of the same prompts. */
  frechet: number
  /** Same distance between two independent sets of real renders: the noise floor of the estimate. */
  frechetFloor: number
  /** Mean over prompts of |mean RGB(samples) - mean RGB(renders)| (pixel values in [-1, 1]). */
  colourShift: number
}

function features(results: readonly Classification[]): { data: Float32Array; dim: number } {
  const dim = results[0]?.features?.length ?? 0
  if (dim === 0) throw new Error('evaluation: the classifier gives no penultimate features')
  const data = new Float32Array(results.length * dim)
  results.forEach((r, i) => {
    if (!r.features || r.features.length !== dim) throw new Error(`evaluation: image ${i} has no classifier features (status ${r.status})`)
    data.set(r.features, i * dim)
  })
  return { data, dim }
}

function frechetOf(a: readonly Classification[], b: readonly Classification[]): number {
  const fa = features(a)
  const fb = features(b)
  return frechetDistance(fitFeatureGaussian(fa.data, a.length, fa.dim), fitFeatureGaussian(fb.data, b.length, fb.dim))
}

function perPromptColourShift(samples: Float32Array, reference: Float32Array, prompts: number, perPrompt: number, imageSize: number): number {
  const per = imageSize * imageSize * CHANNELS * perPrompt
  const pairs: { sample: number[]; reference: number[] }[] = []
  for (let p = 0; p < prompts; p++) {
    pairs.push({
      sample: meanRgb(samples.subarray(p * per, (p + 1) * per), perPrompt),
      reference: meanRgb(reference.subarray(p * per, (p + 1) * per), perPrompt)
    })
  }
  return meanColourShift(pairs)
}

/** The quality curve's point for one checkpoint (Debias experiment): neutral prompts, N images each. */
/** `classifierDir`: the shipped world classifier's folder (worldClassifierDir of the entry point's resources folder). */
export async function evaluateQuality(model: ModelUnderTest, perPrompt: number, classifierDir: string, sampling: SamplingSettings = defaultSampling): Promise<QualityMetrics> {
  const prompts = neutralPromptSet()
  const size = model.config.model.imageSize
  const samples = await samplePrompts({ config: model.config.model, schedule: model.config.schedule, timesteps: model.config.timesteps, params: model.params }, prompts, perPrompt, sampling)
  const reference = renderReference(prompts, perPrompt, sampling.seed, size)
  const floorSet = renderReference(prompts, perPrompt, sampling.seed + 1, size)
  const n = prompts.length * perPrompt
  const [cs, cr, cf] = await Promise.all([classifyImages(classifierDir, samples, n), classifyImages(classifierDir, reference, n), classifyImages(classifierDir, floorSet, n)])
  const stats = statsByPrompt(prompts, cs, perPrompt)
  return {
    conceptAccuracy: mean(stats.map((s) => s.conceptAccuracy)),
    frechet: frechetOf(cs, cr),
    frechetFloor: frechetOf(cf, cr),
    colourShift: perPromptColourShift(samples, reference, prompts.length, perPrompt, size)
  }
}

export interface NeutralPromptReport extends PromptStats {
  /** The pretraining distribution of this concept, for comparison. */
  pretrainingSilhouette: Record<string, number>
  pretrainingTone: Record<string, number>
  /** Share of the concept's majority pretraining class among the samples. */
  majoritySilhouetteShare: number
}

export interface BaseModelEvaluation {
  sampling: SamplingSettings
  perPromptSpecific: number
  perPromptNeutral: number
  specific: PromptStats[]
  neutral: NeutralPromptReport[]
  quality: QualityMetrics
  summary: {
    /** Identity-specific prompts of visible concepts: mean fraction of samples with the right concept. */
    specificConceptAccuracy: number
    specificSilhouetteAccuracy: number
    specificToneAccuracy: number
    /** ... with the concept and both asked attributes right: the ">= 90%" target. */
    specificAllCorrect: number
    /** Share of prompts whose samples are >= 90% all-correct. */
    specificPromptsAtLeast90: number
    neutralConceptAccuracy: number
    /** Mean over visible concepts of the majority pretraining silhouette's share among samples. */
    neutralMajoritySilhouetteShare: number
    /** The same share in the pretraining data. */
    pretrainingMajoritySilhouetteShare: number
    frechet: number
    frechetFloor: number
    colourShift: number
  }
}

function toRecord(classes: readonly string[], p: readonly number[]): Record<string, number> {
  return Object.fromEntries(classes.map((c, i) => [c, p[i]]))
}

export interface BaseEvaluationOptions extends ModelUnderTest {
  perPrompt: number
  perPromptNeutral?: number
  /** The shipped world classifier's folder (worldClassifierDir of the entry point's resources folder). */
  classifierDir: string
  sampling?: Partial<SamplingSettings>
  onLog?: (line: string) => void
}

export async function evaluateBaseModel(o: BaseEvaluationOptions): Promise<BaseModelEvaluation> {
  const sampling: SamplingSettings = { ...defaultSampling, ...o.sampling }
  const log = o.onLog ?? (() => {})
  const model = { config: o.config.model, schedule: o.config.schedule, timesteps: o.config.timesteps, params: o.params }
  const size = o.config.model.imageSize
  const bias = resolveWorldBias()

  const specificPrompts = specificPromptSet(VISIBLE_CONCEPTS)
  log(`sampling ${specificPrompts.length} identity-specific prompts x ${o.perPrompt}`)
  const specImages = await samplePrompts(model, specificPrompts, o.perPrompt, sampling)
  const specific = statsByPrompt(specificPrompts, await classifyImages(o.classifierDir, specImages, specificPrompts.length * o.perPrompt), o.perPrompt)

  const perNeutral = o.perPromptNeutral ?? 4 * o.perPrompt
  const neutralPrompts = neutralPromptSet()
  log(`sampling ${neutralPrompts.length} neutral prompts x ${perNeutral}`)
  const neutralImages = await samplePrompts(model, neutralPrompts, perNeutral, { ...sampling, seed: sampling.seed + 1 })
  const neutralResults = await classifyImages(o.classifierDir, neutralImages, neutralPrompts.length * perNeutral)
  const reference = renderReference(neutralPrompts, perNeutral, sampling.seed, size)
  const floorSet = renderReference(neutralPrompts, perNeutral, sampling.seed + 7, size)
  const n = neutralPrompts.length * perNeutral
  const [refResults, floorResults] = await Promise.all([classifyImages(o.classifierDir, reference, n), classifyImages(o.classifierDir, floorSet, n)])

  const neutral: NeutralPromptReport[] = statsByPrompt(neutralPrompts, neutralResults, perNeutral).map((s, i) => {
    const concept = CONCEPTS[i]
    const pre = bias[concept]
    const majority = pre.silhouette.indexOf(Math.max(...pre.silhouette))
    return {
      ...s,
      pretrainingSilhouette: toRecord(SILHOUETTES, pre.silhouette),
      pretrainingTone: toRecord(TONES, pre.tone),
      majoritySilhouetteShare: s.silhouetteShares[SILHOUETTES[majority]]
    }
  })
  const visibleNeutral = neutral.filter((_, i) => (VISIBLE_CONCEPTS as readonly string[]).includes(CONCEPTS[i]))
  const quality: QualityMetrics = {
    conceptAccuracy: mean(neutral.map((s) => s.conceptAccuracy)),
    frechet: frechetOf(neutralResults, refResults),
    frechetFloor: frechetOf(floorResults, refResults),
    colourShift: perPromptColourShift(neutralImages, reference, neutralPrompts.length, perNeutral, size)
  }
  return {
    sampling,
    perPromptSpecific: o.perPrompt,
    perPromptNeutral: perNeutral,
    specific,
    neutral,
    quality,
    summary: {
      specificConceptAccuracy: mean(specific.map((s) => s.conceptAccuracy)),
      specificSilhouetteAccuracy: mean(specific.map((s) => s.silhouetteAccuracy ?? 0)),
      specificToneAccuracy: mean(specific.map((s) => s.toneAccuracy ?? 0)),
      specificAllCorrect: mean(specific.map((s) => s.allCorrect)),
      specificPromptsAtLeast90: mean(specific.map((s) => (s.allCorrect >= 0.9 ? 1 : 0))),
      neutralConceptAccuracy: quality.conceptAccuracy,
      neutralMajoritySilhouetteShare: mean(visibleNeutral.map((s) => s.majoritySilhouetteShare)),
      pretrainingMajoritySilhouetteShare: mean(VISIBLE_CONCEPTS.map((c) => Math.max(...bias[c].silhouette))),
      frechet: quality.frechet,
      frechetFloor: quality.frechetFloor,
      colourShift: quality.colourShift
    }
  }
}
