// A checkpoint as an audit source: every prompt sampled with the same fixed seeds (so two checkpoints
// are compared image for image), written as PNGs under the output folder so the report's evidence ids
// are files an auditor can open. onnxruntime-node samples when it loads, tfjs otherwise.
import { mkdirSync } from 'node:fs'
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
  const { seeds, steps, sampler: kind, guidance } = opts.settings
  const items = opts.prompts.flatMap((prompt, promptIndex) => seeds.map((seed) => ({ prompt, promptIndex, seed })))
  mkdirSync(opts.dir, { recursive: true })
  const sampler = await openSampler({ kind: 'checkpoint', path: opts.checkpoint }, { onFallback: opts.onFallback })
  const size = sampler.info.imageSize
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
  return { step: sampler.info.step ?? 0, backend: sampler.info.backend, images }
}
