// A model as an audit source: a DiT checkpoint file or a Stable Diffusion ONNX export folder, every
// prompt sampled with the same fixed seeds (so two models are compared image for image) through the one
// sampler, written as PNGs under the output folder so the report's evidence ids are files an auditor can
// open.
import { mkdirSync, statSync } from 'node:fs'
import { writeFileAtomicSync } from '../../fs/atomic-write'
import { join, relative, sep } from 'node:path'
import type { SamplerKind } from '../../engine/diffusion/sample-loop'
import { openSampler } from '../../sampling/host'
import { encodePng } from '../../world/png'
import type { SourceImage } from './folder-source'

export interface SamplingSettings {
  seeds: readonly number[]
  steps: number
  sampler: SamplerKind
  guidance: number
}

export interface CheckpointSource {
  /** The checkpoint's training step; null for a Stable Diffusion folder. */
  step: number | null
  backend: string
  images: SourceImage[]
}

/** Images per sampler call. */
const CHUNK = 32
/** Nearest-neighbour upscale of the written PNGs (16 px renders stay readable in the report). */
const SCALE = 4

export async function sampleCheckpoint(opts: {
  /** A checkpoint file, or a Stable Diffusion export folder. */
  checkpoint: string
  /** Image size of a Stable Diffusion folder (default: the export's own). */
  size?: number
  prompts: readonly string[]
  settings: SamplingSettings
  /** Folder the PNGs go to; `id` of an image is its path relative to `idRoot`. */
  dir: string
  idRoot: string
  onProgress?: (done: number, total: number) => void
  onFallback?: (reason: string) => void
  signal?: AbortSignal
}): Promise<CheckpointSource> {
  const { seeds, steps, sampler: kind, guidance } = opts.settings
  const items = opts.prompts.flatMap((prompt, promptIndex) => seeds.map((seed) => ({ prompt, promptIndex, seed })))
  mkdirSync(opts.dir, { recursive: true })
  const folder = statSync(opts.checkpoint, { throwIfNoEntry: false })?.isDirectory() ?? false
  const sampler = await openSampler(folder ? { kind: 'sd-folder', dir: opts.checkpoint, size: opts.size } : { kind: 'checkpoint', path: opts.checkpoint }, { onFallback: opts.onFallback })
  const size = sampler.info.imageSize
  // The built-in world's 16 px figures are upscaled to stay readable; a real model's images are kept as drawn.
  const scale = folder ? 1 : SCALE
  const pixels = size * size * sampler.info.channels
  const images: SourceImage[] = []
  try {
    opts.onProgress?.(0, items.length)
    for (let start = 0; start < items.length; start += CHUNK) {
      if (opts.signal?.aborted) throw new Error('sampling was cancelled')
      const chunk = items.slice(start, start + CHUNK)
      const out = await sampler.sample({ prompts: chunk.map((c) => c.prompt), seeds: chunk.map((c) => c.seed), sampler: kind, steps, guidance }, { signal: opts.signal })
      for (let k = 0; k < chunk.length; k++) {
        const it = chunk[k]
        const png = await encodePng(out.subarray(k * pixels, (k + 1) * pixels), size, scale)
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
  return { step: sampler.info.step, backend: sampler.info.backend, images }
}
