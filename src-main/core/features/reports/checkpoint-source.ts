// A checkpoint as an audit source: every prompt sampled with the same fixed seeds (so two checkpoints
// are compared image for image), written as PNGs under the output folder so the report's evidence ids
// are files an auditor can open. onnxruntime-node samples when it loads, tfjs otherwise.
import { mkdirSync } from 'node:fs'
import { writeFileAtomicSync } from '../../fs/atomic-write'
import { join, relative, sep } from 'node:path'
import { loadCheckpoint } from '../../engine/checkpoint/store'
import type { SamplerKind } from '../../engine/diffusion/sample-loop'
import { openImageSampler } from '../models/image-sampler'
import { encodePng } from '../../world/png'
import { encodePrompts } from '../../world/vocabulary'
import type { SourceImage } from './folder-source'

export interface SamplingSettings {
  seeds: readonly number[]
  steps: number
  sampler: SamplerKind
  guidance: number
}

export interface CheckpointSource {
  step: number
  backend: string
  images: SourceImage[]
}

/** Images per sampler call. */
const CHUNK = 32
/** Nearest-neighbour upscale of the written PNGs (16 px renders stay readable in the report). */
const SCALE = 4

export async function sampleCheckpoint(opts: {
  checkpoint: string
  prompts: readonly string[]
  settings: SamplingSettings
  /** Folder the PNGs go to; `id` of an image is its path relative to `idRoot`. */
  dir: string
  idRoot: string
  onProgress?: (done: number, total: number) => void
  onFallback?: (reason: string) => void
  signal?: AbortSignal
}): Promise<CheckpointSource> {
  let state
  try {
    state = loadCheckpoint(opts.checkpoint)
  } catch (e) {
    throw new Error(`cannot load checkpoint ${opts.checkpoint}: ${(e as Error).message}`)
  }
  const { seeds, steps, sampler: kind, guidance } = opts.settings
  const size = state.config.model.imageSize
  const pixels = size * size * state.config.model.channels
  const items = opts.prompts.flatMap((prompt, promptIndex) => seeds.map((seed) => ({ prompt, promptIndex, seed })))
  mkdirSync(opts.dir, { recursive: true })
  const sampler = await openImageSampler(state.config, state.params, { onFallback: opts.onFallback })
  const images: SourceImage[] = []
  try {
    opts.onProgress?.(0, items.length)
    for (let start = 0; start < items.length; start += CHUNK) {
      if (opts.signal?.aborted) throw new Error('sampling was cancelled')
      const chunk = items.slice(start, start + CHUNK)
      const out = await sampler.sample({ cond: encodePrompts(chunk.map((c) => c.prompt)), seeds: chunk.map((c) => c.seed), sampler: kind, steps, guidance, signal: opts.signal })
      for (let k = 0; k < chunk.length; k++) {
        const it = chunk[k]
        const png = await encodePng(out.subarray(k * pixels, (k + 1) * pixels), size, SCALE)
        const name = `p${String(it.promptIndex + 1).padStart(3, '0')}-seed${it.seed}.png`
        const file = join(opts.dir, name)
        writeFileAtomicSync(file, png)
        images.push({ id: relative(opts.idRoot, file).split(sep).join('/'), promptIndex: it.promptIndex, path: file, problem: null, seed: it.seed })
      }
      opts.onProgress?.(Math.min(items.length, start + chunk.length), items.length)
    }
  } finally {
    await sampler.dispose()
  }
  return { step: state.step, backend: sampler.backend, images }
}
