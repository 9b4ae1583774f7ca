// What an image sampled by the pipeline carries into the workspace (issue 13: "model folder and its
// hash, scheduler, steps, guidance, seed, provider"), as a plain JSON record the image store keeps.
//
// The model hash is a content hash, so the same export copied elsewhere hashes the same and a changed
// weight, tokenizer or scheduler setting does not: sha256 over one line per file the pipeline reads
// from (every regular file of its component folders, external data files included, and
// model_index.json), "<relative path>\0<size>\0<sha256 of the bytes>", in path order. Hidden files are
// left out; links out of the folder and non-regular files were refused when the folder was opened.
import { createHash } from 'node:crypto'
import { createReadStream, realpathSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { componentFiles, type SdFolder, type SdKind } from './folder'
import type { SchedulerName } from './schedulers'

export interface SdProvenance {
  source: 'sd-onnx'
  /** The model folder, as a real path. */
  model: string
  modelKind: SdKind
  /** "sha256:<hex>" over the folder's files (see above). */
  modelHash: string
  prompt: string
  /** null: none was given (SDXL then uses zero embeddings, SD 1.x/2.x the empty prompt). */
  negativePrompt: string | null
  scheduler: SchedulerName
  steps: number
  guidance: number
  seed: number
  width: number
  height: number
  /** The onnxruntime execution provider the sessions ran on ('cpu', 'cuda', ...). */
  executionProvider: string
  /** The runtime in words, e.g. "onnxruntime-node 1.30.0 (CPU, 2 threads, basic optimisation)". */
  backend: string
  /** True when the initial latents or step noise were given rather than drawn from the seed. */
  replayedNoise: boolean
}

/** The files the content hash covers, relative to the folder, in order. */
export function hashedFiles(folder: SdFolder): string[] {
  return componentFiles(realpathSync(folder.dir), folder.dir, folder.components)
}

async function sha256File(path: string): Promise<string> {
  const h = createHash('sha256')
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) h.update(chunk as Buffer)
  return h.digest('hex')
}

/** The content hash of a model folder, "sha256:<hex>". Reads every byte once (seconds for a multi-GB SDXL). */
export async function hashModelFolder(folder: SdFolder): Promise<string> {
  const root = realpathSync(folder.dir)
  const outer = createHash('sha256')
  for (const rel of hashedFiles(folder)) {
    const real = realpathSync(join(root, rel))
    outer.update(`${rel}\0${statSync(real).size}\0${await sha256File(real)}\n`)
  }
  return `sha256:${outer.digest('hex')}`
}
