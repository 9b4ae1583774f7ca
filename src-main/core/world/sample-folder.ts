// Writes world renders as a folder in the layout PopAlignSDXL's generator writes for SDXL outputs:
// `img_<uuid5(prompt)>_seed_<seed>_<i>.png` with a sidecar `.json` holding {file_path, prompt}, so the
// studio's importer treats a world sample exactly like imported SDXL images. The sidecar also carries
// the render's true attributes under `world`, which the PopAlignSDXL fields do not have and importers
// may ignore; it lets tests and audits compare the classifier against the ground truth.

import { createHash } from 'node:crypto'
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { Rng, sampleCategorical } from '../random/rng'
import { writeFileAtomic } from '../fs/atomic-write'
import { resolveWorldBias, type WorldBias } from './bias'
import { encodePng } from './png'
import { parsePrompt } from './prompts'
import { renderFigure, DEFAULT_IMAGE_SIZE } from './renderer'
import { SILHOUETTES, TONES, type FigureSpec } from './taxonomy'

export const SAMPLE_GENERATOR = 'synthetic-population-renderer@1'

/** RFC 4122 name-based UUID (version 5, SHA-1) in the DNS namespace, like Python's uuid.uuid5(NAMESPACE_DNS, name). */
export function uuid5(name: string, namespace = '6ba7b810-9dad-11d1-80b4-00c04fd430c8'): string {
  const ns = Buffer.from(namespace.replace(/-/g, ''), 'hex')
  if (ns.length !== 16) throw new Error(`uuid5 namespace "${namespace}" is not a UUID`)
  const bytes = createHash('sha1')
    .update(Buffer.concat([ns, Buffer.from(name, 'utf8')]))
    .digest()
    .subarray(0, 16)
  bytes[6] = (bytes[6] & 0x0f) | 0x50
  bytes[8] = (bytes[8] & 0x3f) | 0x80
  const hex = bytes.toString('hex')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
}

export interface SampleSidecar {
  /** The image's file name, relative to the sidecar (portable, unlike an absolute path). */
  file_path: string
  prompt: string
  seed: number
  generator: string
  world: FigureSpec
}

/**
 * The figure a prompt asks for: the concept must be named; attributes the prompt names are honoured,
 * the others are drawn from the bias, as a biased model would.
 */
export function figureForPrompt(prompt: string, bias: WorldBias, rng: Rng): FigureSpec {
  const asked = parsePrompt(prompt)
  if (!asked.concept) throw new Error(`prompt "${prompt}" names no single known concept`)
  return {
    concept: asked.concept,
    silhouette: asked.silhouette ?? SILHOUETTES[sampleCategorical(rng, bias[asked.concept].silhouette)],
    tone: asked.tone ?? TONES[sampleCategorical(rng, bias[asked.concept].tone)]
  }
}

export interface WriteSampleOptions {
  outDir: string
  prompts: readonly string[]
  perPrompt: number
  seed: number
  bias?: WorldBias
  imageSize?: number
  /** PNG upscale factor (nearest-neighbour). */
  scale?: number
  onImage?: (done: number, total: number) => void
}

export async function writeWorldSample(options: WriteSampleOptions): Promise<SampleSidecar[]> {
  const { outDir, prompts, perPrompt, seed } = options
  if (prompts.length === 0) throw new Error('no prompts given')
  if (!Number.isInteger(perPrompt) || perPrompt <= 0 || perPrompt > 100000) throw new Error(`images per prompt must be an integer in [1, 100000], got ${String(perPrompt)}`)
  if (!Number.isSafeInteger(seed) || seed < 0) throw new Error(`seed must be a non-negative integer, got ${String(seed)}`)
  const bias = options.bias ?? resolveWorldBias()
  const size = options.imageSize ?? DEFAULT_IMAGE_SIZE
  const scale = options.scale ?? 4
  for (const p of prompts) if (!parsePrompt(p).concept) throw new Error(`prompt "${p}" names no single known concept`)
  await mkdir(outDir, { recursive: true })

  const written: SampleSidecar[] = []
  const total = prompts.length * perPrompt
  for (const prompt of prompts) {
    const id = uuid5(prompt)
    for (let i = 0; i < perPrompt; i++) {
      // One stream per (seed, prompt, index): an image does not change when others are added.
      const rng = Rng.derive(seed, prompt, i)
      const spec = figureForPrompt(prompt, bias, rng)
      const png = await encodePng(renderFigure(spec, rng.nextUint32(), { size }), size, scale)
      const base = `img_${id}_seed_${seed}_${i}`
      const sidecar: SampleSidecar = { file_path: `${base}.png`, prompt, seed, generator: SAMPLE_GENERATOR, world: spec }
      await writeFileAtomic(join(outDir, `${base}.png`), png)
      await writeFileAtomic(join(outDir, `${base}.json`), JSON.stringify(sidecar) + '\n')
      written.push(sidecar)
      options.onImage?.(written.length, total)
    }
  }
  return written
}
