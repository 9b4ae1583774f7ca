// The quick fixed-seed check every checkpoint of a run gets: a few neutral prompts sampled with the
// same seeds, classified, and measured for image fidelity (features/reports/figures/fidelity.ts), discrepancy per axis and
// concept accuracy, with a small contact sheet. The starting model is checked too (step 0), so each
// checkpoint is judged against where the run began by the one quality gate the reports use
// (shared/audit/quality-gate.ts). Points go to <run>/quality.jsonl, one line per checkpoint.
import { join } from 'node:path'
import type { QualityPoint } from '@shared/contract'
import { compareFidelity, type GatedFigure } from '@shared/audit/quality-gate'
import { fidelityEstimate, fidelityPairs } from '../reports/figures/fidelity'
import { verdictDiscrepancy } from '../reports/figures/metrics'
import { openWorldClassifier } from '../../classifier/world-classifier'
import type { ImageClassifier } from '../../classifier/classifier'
import { openWorldFidelity, type WorldFidelity } from '../reports/world-fidelity'
import { Rng } from '../../random/rng'
import { appendJsonLine, latestPerStep, readJsonLines } from '../../fs/jsonl'
import { encodeContactSheet } from '../../world/png'
import { openSampler } from '../../sampling/host'

export const QUALITY_FILE = 'quality.jsonl'

/** What every check samples: fixed, so checkpoints of all runs compare image for image. */
export const QUICK_CHECK = {
  prompts: ['a photo of a doctor', 'a photo of a nurse', 'a photo of a chef', 'a photo of a firefighter'],
  seeds: 24,
  sampler: 'ddim' as const,
  steps: 20,
  guidance: 3,
  resamples: 100
}

export interface QualityTools {
  classifier: ImageClassifier
  fidelity: WorldFidelity
  dispose(): Promise<void>
}

/** The built-in classifier and its fidelity references, opened once per run. */
export async function openQualityTools(classifierDir: string): Promise<QualityTools> {
  const classifier = await openWorldClassifier(classifierDir)
  const fidelity = await openWorldFidelity(classifier)
  if (!fidelity) {
    await classifier.dispose()
    throw new Error('the built-in classifier cannot check image quality')
  }
  return { classifier, fidelity, dispose: () => classifier.dispose() }
}

/** Whether the check can judge a model: the classifier must read images of the model's size. */
export function canCheck(tools: QualityTools, model: { imageSize: number; channels: number }): boolean {
  return tools.classifier.imageSize === model.imageSize && model.channels === 3
}

/**
 * Samples the check's prompts and seeds from a checkpoint and measures them; `baseline` is step 0's
 * point, `asStep` the step to file it under (0 for the model a run starts from).
 */
export async function checkCheckpoint(tools: QualityTools, checkpointPath: string, baseline: QualityPoint | null, asStep?: number): Promise<QualityPoint> {
  const c = QUICK_CHECK
  const prompts = c.prompts.flatMap((p) => Array.from({ length: c.seeds }, () => p))
  const seeds = c.prompts.flatMap(() => Array.from({ length: c.seeds }, (_, i) => i))
  const sampler = await openSampler({ kind: 'checkpoint', path: checkpointPath })
  let images: Float32Array
  try {
    images = await sampler.sample({ prompts, seeds, sampler: c.sampler, steps: c.steps, guidance: c.guidance })
  } finally {
    await sampler.dispose()
  }
  const size = sampler.info.imageSize
  const step = sampler.info.step ?? 0
  const per = size * size * sampler.info.channels
  const classifyPixels = tools.classifier.classifyPixels
  if (!classifyPixels) throw new Error('the quality check needs the built-in classifier')
  const classified = await classifyPixels(images, prompts.length)
  const evidence = await tools.fidelity.evidence(prompts.map((promptText, i) => ({ imageId: String(i), promptText, pixels: images.subarray(i * per, (i + 1) * per), classification: classified[i] })))
  const fid = fidelityEstimate(fidelityPairs(evidence, 'pixels'), tools.fidelity.scale.pixels, c.resamples, Rng.derive(0, 'quality-check', step), () => '')

  const axes = tools.classifier.axes.map((axis) => {
    const d = verdictDiscrepancy(classified, axis)
    return { axis: axis.name, value: Number.isFinite(d) ? d : null }
  })
  const asked = prompts.map((p) => c.prompts.indexOf(p))
  const conceptHits = classified.filter((k, i) => k.concept !== null && c.prompts[asked[i]].endsWith(` ${k.concept}`)).length
  // One row per prompt, its seeds across: the same cells in every checkpoint's sheet.
  const sheet = await encodeContactSheet(images, prompts.length, size, c.seeds, 3)
  const fidelity = fid.value === null ? null : { value: fid.value, low: fid.ciLow as number, high: fid.ciHigh as number }
  const verdict = baseline?.fidelity && fidelity ? compareFidelity(gated(fidelity), gated(baseline.fidelity)) : null
  return {
    step: asStep ?? step,
    fidelity,
    discrepancy: axes,
    conceptAccuracy: conceptHits / prompts.length,
    sheet: `data:image/png;base64,${sheet.toString('base64')}`,
    quality: verdict ? { change: verdict.change, failed: verdict.failed } : null
  }
}

function gated(f: { value: number; low: number; high: number }): GatedFigure {
  return { value: f.value, ciLow: f.low, ciHigh: f.high }
}

export function appendQuality(runDir: string, point: QualityPoint): void {
  appendJsonLine(join(runDir, QUALITY_FILE), point)
}

/** One point per step (the latest written wins), in step order. */
export function readQuality(runDir: string): QualityPoint[] {
  return latestPerStep(readJsonLines<QualityPoint>(join(runDir, QUALITY_FILE)))
}

/**
 * The best checkpoint, by a stated rule: among the checked checkpoints (step > 0) that pass the quality
 * gate, the lowest mean discrepancy over the axes; ties go to the later step. Null when none passes.
 */
export const BEST_RULE = 'lowest mean discrepancy among checkpoints whose image quality passed the check'

export function bestCheckpoint(points: readonly QualityPoint[], available: ReadonlySet<number>): QualityPoint | null {
  let best: QualityPoint | null = null
  let bestScore = Infinity
  for (const p of points) {
    if (p.step === 0 || !available.has(p.step) || p.quality?.failed) continue
    const values = p.discrepancy.map((d) => d.value).filter((v): v is number => v !== null)
    if (values.length === 0) continue
    const score = values.reduce((a, b) => a + b, 0) / values.length
    if (score <= bestScore) {
      best = p
      bestScore = score
    }
  }
  return best
}

/** The end-of-run line: "quality dropped 35% (fidelity gap 8.9 vs 6.6 at the start)", or null when it held. */
export function qualityDropNote(points: readonly QualityPoint[]): string | null {
  const start = points.find((p) => p.step === 0)
  const last = points.at(-1)
  if (!start?.fidelity || !last?.fidelity || last.step === 0 || !last.quality?.failed) return null
  return `quality dropped ${Math.round(last.quality.change * 100)}% (image fidelity gap ${last.fidelity.value.toFixed(1)} vs ${start.fidelity.value.toFixed(1)} at the start, quick check of ${QUICK_CHECK.prompts.length * QUICK_CHECK.seeds} images)`
}
