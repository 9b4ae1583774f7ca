// The data-source module the engine worker loads for training on the built-in world
// (job.data = { module: <this file>, options: WorldSourceOptions }). It wraps the world's biased
// pretraining stream: default SDXL-like bias, a fraction of captions naming the attributes. The trainer
// owns the RNG, so batches come from the run's own stream and a resumed run replays them exactly.
import { fileURLToPath } from 'node:url'
import { createWorldDataSource, type WorldDataOptions } from './data-source'
import { VOCAB_SIZE } from './vocabulary'
import { CHANNELS } from './renderer'
import type { DiTConfig } from '../engine/model/dit-spec'
import type { DataSource } from '../engine/train/data-source'

/** Options as they travel in a TrainJob (JSON): the world's options minus the internal seed. */
export type WorldSourceOptions = Omit<WorldDataOptions, 'seed' | 'imageSize'>

const KNOWN = new Set(['bias', 'captionAttributeFraction', 'conceptWeights', 'namedAttributes'])

/** Absolute path of this module, for `job.data.module`. */
export const WORLD_SOURCE_MODULE = typeof __filename === 'string' ? __filename : fileURLToPath(import.meta.url)

export function createDataSource(options: unknown, model: DiTConfig): DataSource {
  const opts = (options ?? {}) as Record<string, unknown>
  if (typeof opts !== 'object' || Array.isArray(opts)) throw new Error('world data source: options must be an object')
  for (const key of Object.keys(opts)) if (!KNOWN.has(key)) throw new Error(`world data source: unknown option ${key} (expected ${[...KNOWN].join(', ')})`)
  // The DiT's text embedding has one row per vocabulary word; any other size would misread prompts.
  if (model.vocabSize !== VOCAB_SIZE) throw new Error(`world data source: model vocabSize is ${model.vocabSize}, the world vocabulary has ${VOCAB_SIZE} words`)
  if (model.channels !== CHANNELS) throw new Error(`world data source: model channels is ${model.channels}, the world renders ${CHANNELS}`)
  const world = createWorldDataSource({ ...(opts as WorldSourceOptions), imageSize: model.imageSize })
  return {
    sampleBatch(rng, batchSize) {
      const b = world.sampleBatch(rng, batchSize)
      return { images: b.images, cond: b.cond }
    }
  }
}

/**
 * The `job.data.module` string for this source. Built bundles get the plain path. From TypeScript
 * sources (tsx CLI, tests) the worker's dynamic import() cannot load a .ts file (tsx's hook there covers
 * require only), so the module is reached through a one-line ESM data: URL that require()s it.
 */
export function worldSourceModuleSpec(): string {
  if (!WORLD_SOURCE_MODULE.endsWith('.ts')) return WORLD_SOURCE_MODULE
  const code = `import { createRequire } from 'node:module'; const m = createRequire(${JSON.stringify(WORLD_SOURCE_MODULE)})(${JSON.stringify(WORLD_SOURCE_MODULE)}); export const createDataSource = m.createDataSource;`
  return `data:text/javascript,${encodeURIComponent(code)}`
}
