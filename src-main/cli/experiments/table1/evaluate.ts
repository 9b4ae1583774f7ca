// Stage 5: sample a model on the held-out prompts with seeds shared by every model (so base, SFT and
// PopAlign start from the same noise), classify every image with the shipped classifier, and keep the
// verdicts and classifier features in <workdir>/eval/<stage key>.json. The file is the stage's output: a
// re-run reads it instead of sampling again. Real renders of the same prompts (the Frechet
// references) are made and classified the same way.
import { existsSync, mkdirSync, readFileSync } from 'node:fs'
import { writeFileAtomicSync } from '../../../core/fs/atomic-write'
import { join } from 'node:path'
import type { Classification } from '../../../core/classifier/classifier'
import { classifyImages } from '../../../core/classifier/world-classifier'
import { renderReference } from '../../../core/evaluation/reference'
import { imageSeeds } from '../../../core/engine/onnx/sample-images'
import { openSampler, type Sampler } from '../../../core/sampling/host'
import { resolveWorldBias, uniformBias } from '../../../core/world'
import type { SamplingChoice } from './options'
import { processClassifierDir } from '../../process-config'

/** One classified image, as kept on disk. */
export interface ImageVerdict {
  status: Classification['status']
  concept: string | null
  axes: Record<string, string | null>
  /** base64 of the Float32 penultimate features. */
  features: string | null
}

export interface PromptBlock {
  prompts: string[]
  perPrompt: number
  /** Images in prompt order, perPrompt consecutive images per prompt. */
  images: ImageVerdict[]
  /**
   * base64 of the Float32 HWC [-1, 1] pixels of every image, in the same order (sampled blocks only):
   * the attribute-matched fidelity figure and the contact sheets are made from them.
   */
  pixels?: string
}

export interface ModelEvaluation {
  model: string
  checkpoint: string
  neutral: PromptBlock
  specific: PromptBlock
}

export interface ReferenceSet {
  /** Neutral prompts rendered with attributes drawn uniformly: the population PopAlign aims at. */
  neutralFair: PromptBlock
  /** Neutral prompts rendered with the pretraining bias: what the base model was trained to imitate. */
  neutralPretraining: PromptBlock
  /** Identity-specific prompts rendered with the asked attributes: quality with attributes pinned. */
  specific: PromptBlock
}

export function encodeFeatures(f: Float32Array | null): string | null {
  return f ? Buffer.from(f.buffer, f.byteOffset, f.byteLength).toString('base64') : null
}

export function decodeFeatures(s: string | null): Float32Array | null {
  if (s === null) return null
  const b = Buffer.from(s, 'base64')
  // Copy into an aligned buffer: a Buffer's byteOffset need not be a multiple of 4.
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength))
}

function verdicts(results: readonly Classification[]): ImageVerdict[] {
  return results.map((r) => ({
    status: r.status,
    concept: r.concept,
    axes: Object.fromEntries(Object.entries(r.axes).map(([axis, v]) => [axis, v ? v.cls : null])),
    features: encodeFeatures(r.features)
  }))
}

export function readJson<T>(file: string): T {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T
  } catch (err) {
    throw new Error(`${file} cannot be read (${(err as Error).message}); delete it and run again to redo that step`)
  }
}

/** Samples prompts in groups (progress after each) through one open sampler, then classifies them. */
async function sampleBlock(
  sampler: Sampler,
  prompts: readonly string[],
  perPrompt: number,
  seed: number,
  sampling: SamplingChoice,
  progress: (done: number, total: number) => void
): Promise<PromptBlock> {
  const total = prompts.length * perPrompt
  const seeds = imageSeeds(seed, total)
  const size = sampler.info.imageSize
  const per = size * size * sampler.info.channels
  const images = new Float32Array(total * per)
  // About 256 images per call: large enough for ORT's batching, small enough for frequent progress.
  const promptsPerCall = Math.max(1, Math.floor(256 / perPrompt))
  for (let p = 0; p < prompts.length; p += promptsPerCall) {
    const group = prompts.slice(p, p + promptsPerCall)
    const texts = group.flatMap((t) => Array.from({ length: perPrompt }, () => t))
    const start = p * perPrompt
    const out = await sampler.sample({ prompts: texts, seeds: seeds.slice(start, start + texts.length), sampler: sampling.sampler, steps: sampling.steps, guidance: sampling.guidance, chunk: 256 })
    images.set(out, start * per)
    progress(start + texts.length, total)
  }
  return { prompts: [...prompts], perPrompt, images: verdicts(await classifyImages(processClassifierDir(), images, total)), pixels: encodeFeatures(images) ?? undefined }
}

/** The block's pixels (HWC [-1, 1], images in order), or null for a block kept without them. */
export function blockPixels(block: PromptBlock): Float32Array | null {
  return block.pixels === undefined ? null : decodeFeatures(block.pixels)
}

export interface EvaluateRequest {
  model: string
  /** File name (without .json) under outDir: the stage key, so each setting has its own file. */
  fileName: string
  checkpoint: string
  neutralPrompts: string[]
  neutralPerPrompt: number
  specificPrompts: string[]
  specificPerPrompt: number
  seed: number
  sampling: SamplingChoice
  outDir: string
  log: (line: string) => void
}

/** Evaluates one model, or reads the evaluation an earlier run kept. Returns the file it is in. */
export async function evaluateModel(r: EvaluateRequest): Promise<string> {
  mkdirSync(r.outDir, { recursive: true })
  const file = join(r.outDir, `${r.fileName}.json`)
  if (existsSync(file)) return file
  const sampler = await openSampler({ kind: 'checkpoint', path: r.checkpoint })
  let lastLog = 0
  const progress = (what: string) => (done: number, total: number) => {
    if (Date.now() - lastLog < 5000 && done < total) return
    lastLog = Date.now()
    r.log(`evaluate ${r.model}: ${what} ${done}/${total} images`)
  }
  try {
    // Distinct seed streams for the two prompt sets, shared by every model.
    const neutral = await sampleBlock(sampler, r.neutralPrompts, r.neutralPerPrompt, r.seed * 7 + 1001, r.sampling, progress('held-out neutral prompts'))
    const specific = await sampleBlock(sampler, r.specificPrompts, r.specificPerPrompt, r.seed * 7 + 2002, r.sampling, progress('identity-specific prompts'))
    const evaluation: ModelEvaluation = { model: r.model, checkpoint: r.checkpoint, neutral, specific }
    writeFileAtomicSync(file, JSON.stringify(evaluation))
    return file
  } finally {
    await sampler.dispose()
  }
}

async function renderBlock(prompts: readonly string[], perPrompt: number, seed: number, bias: ReturnType<typeof resolveWorldBias>): Promise<PromptBlock> {
  const images = renderReference(prompts, perPrompt, seed, 16, bias)
  return { prompts: [...prompts], perPrompt, images: verdicts(await classifyImages(processClassifierDir(), images, prompts.length * perPrompt)) }
}

/** Real renders of the evaluation prompts, classified; kept in <outDir>/<fileName>.json. */
export async function referenceSet(
  outDir: string,
  fileName: string,
  neutralPrompts: string[],
  neutralPerPrompt: number,
  specificPrompts: string[],
  specificPerPrompt: number,
  seed: number
): Promise<string> {
  mkdirSync(outDir, { recursive: true })
  const file = join(outDir, `${fileName}.json`)
  if (existsSync(file)) return file
  const ref: ReferenceSet = {
    neutralFair: await renderBlock(neutralPrompts, neutralPerPrompt, seed + 11, uniformBias()),
    neutralPretraining: await renderBlock(neutralPrompts, neutralPerPrompt, seed + 12, resolveWorldBias()),
    specific: await renderBlock(specificPrompts, specificPerPrompt, seed + 13, uniformBias())
  }
  writeFileAtomicSync(file, JSON.stringify(ref))
  return file
}
