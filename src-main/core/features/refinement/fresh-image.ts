// One freshly sampled MCMC proposal: the chain's prompt through a model of the catalogue at a seed the
// chain's RNG drew, written as a PNG (and thumbnail) under <workspace>/samples/chain-<id>/. The image
// depends only on (model, prompt, seed, sampler, steps, guidance), so a chain that restarts while
// sampling rewrites the same bytes. The caller inserts the image and the proposal in one transaction.
import { createHash } from 'node:crypto'
import { mkdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import type { McmcSampling, ModelEntry } from '@shared/contract'
import { ApiFailure } from '../../errors/api-failure'
import type { NewImage } from '../../store/repos/images'
import { writeFileAtomicSync } from '../../fs/atomic-write'
import { codeVersion } from '../models/code-version'
import { openSampler } from '../../sampling/host'
import { writeThumbnail } from '../import/image-file'
import { encodePng } from '../../world/png'

/** Nearest-neighbour upscale of the saved PNG, as sample jobs do, so tiny renders stay crisp on screen. */
const UPSCALE = 8

export interface FreshImageDeps {
  /** The model catalogue (the engine's models.list). */
  models: () => ModelEntry[]
  /** 'tfjs' skips onnxruntime-node (tests of the fallback). */
  prefer?: 'ort' | 'tfjs'
}

export interface FreshImageRequest {
  workspaceFile: string
  thumbDir: string
  chainId: number
  step: number
  prompt: string
  seed: number
  sampling: McmcSampling
  /** What the image is for: one of the chain's starting images, or a proposal (default). */
  role?: 'start' | 'proposal'
  /** The starting image's position in the set (role 'start' only). */
  index?: number
}

/** What images.add needs, less the project and prompt the caller knows. */
export type FreshImage = Omit<NewImage, 'projectId' | 'promptId'> & {
  seed: number
  generator: string
  provenance: Record<string, unknown>
  thumbPath: string
}

/** A model id of the catalogue: "base", "run:<job>" (its newest checkpoint) or "run:<job>@<step>". */
export function resolveModel(entries: readonly ModelEntry[], id: string): ModelEntry {
  const exact = entries.find((e) => e.id === id)
  if (exact) return exact
  const run = /^run:([1-9][0-9]{0,15})$/.exec(id)
  if (run) {
    const ofRun = entries.filter((e) => e.source === 'run' && e.jobId === Number(run[1]))
    if (ofRun.length > 0) return ofRun.reduce((a, b) => (b.step > a.step ? b : a))
  }
  throw new ApiFailure('not_found', `model "${id}" is not in the catalogue (${entries.length === 0 ? 'no model is installed or trained yet' : `known: ${entries.map((e) => e.id).join(', ')}`})`)
}

export async function sampleFreshImage(deps: FreshImageDeps, req: FreshImageRequest): Promise<FreshImage> {
  const entry = resolveModel(deps.models(), req.sampling.model)
  const sampler = await openSampler({ kind: 'checkpoint', path: entry.path }, { prefer: deps.prefer })
  let out: Float32Array
  try {
    out = await sampler.sample({ prompts: [req.prompt], seeds: [req.seed], sampler: req.sampling.sampler, steps: req.sampling.steps, guidance: req.sampling.guidance })
  } finally {
    await sampler.dispose()
  }
  const size = sampler.info.imageSize
  const png = await encodePng(out, size, UPSCALE)
  const sha256 = createHash('sha256').update(png).digest('hex')
  const root = join(dirname(req.workspaceFile), 'samples', `chain-${req.chainId}`)
  mkdirSync(root, { recursive: true })
  const role = req.role ?? 'proposal'
  const name = role === 'start' ? `start${String(req.index ?? 0).padStart(3, '0')}` : `step${String(req.step).padStart(5, '0')}`
  const file = join(root, `${name}-seed${req.seed}.png`)
  // Written whole or not at all: a kill mid-write leaves a temp file, never a truncated PNG.
  writeFileAtomicSync(file, png)
  mkdirSync(req.thumbDir, { recursive: true })
  const px = size * UPSCALE
  const thumbPath = await writeThumbnail({ bytes: png, sha256, size: png.length, format: 'png', width: px, height: px }, req.thumbDir)
  return {
    sha256,
    filePath: file,
    rootPath: root,
    width: px,
    height: px,
    bytes: png.length,
    seed: req.seed,
    generator: `popalign-studio/${entry.id}`,
    thumbPath,
    provenance: {
      source: 'mcmc-sample',
      chainId: req.chainId,
      chainStep: req.step,
      chainRole: role,
      ...(role === 'start' ? { startIndex: req.index ?? 0 } : {}),
      model: entry.id,
      modelLabel: entry.label,
      checkpoint: entry.path,
      step: entry.step,
      prompt: req.prompt,
      seed: req.seed,
      sampler: req.sampling.sampler,
      steps: req.sampling.steps,
      guidance: req.sampling.guidance,
      backend: sampler.info.backend,
      imageSize: size,
      upscale: UPSCALE,
      codeVersion: codeVersion()
    }
  }
}
