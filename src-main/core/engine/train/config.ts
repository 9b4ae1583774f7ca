// A training run's settings, validated field by field so that a bad config from the UI, the CLI or a
// checkpoint header fails with a message naming the field.
import { validateDiTConfig, type DiTConfig } from '../model/dit-spec'
import { parseScheduleKind, type ScheduleKind } from '../diffusion/schedule'
import { parseLossWeighting, type LossWeighting, type LossWeightOptions } from '../diffusion/weights'

export interface TrainConfig {
  model: DiTConfig
  schedule: ScheduleKind
  /** Diffusion steps of the training schedule (1000 in every reference). */
  timesteps: number
  weighting: LossWeighting
  weightOptions: LossWeightOptions
  batchSize: number
  learningRate: number
  beta1: number
  beta2: number
  adamEps: number
  /** Probability that a sample's prompt is replaced by the <null> token (classifier-free guidance). */
  condDropout: number
  /** Total optimiser steps of the run. */
  steps: number
  seed: number
  /** Write a checkpoint every this many steps (and at the end). */
  checkpointEvery: number
  /**
   * Decay of an EMA of the weights (ema.ts), sampled from its own checkpoints; absent or 0 = none.
   * Left out of the parsed config when 0, so configs written before it existed compare equal.
   */
  emaDecay?: number
}

export const trainDefaults: Omit<TrainConfig, 'model'> = {
  schedule: 'linear',
  timesteps: 1000,
  weighting: 'constant',
  weightOptions: {},
  batchSize: 64,
  learningRate: 1e-4,
  beta1: 0.9,
  beta2: 0.999,
  adamEps: 1e-8,
  condDropout: 0.1,
  steps: 1000,
  seed: 0,
  checkpointEvery: 100,
  emaDecay: 0
}

function num(o: Record<string, unknown>, key: string, check: (v: number) => boolean, what: string): number {
  const v = o[key]
  if (typeof v !== 'number' || !Number.isFinite(v) || !check(v)) throw new Error(`train config: ${key} must be ${what}, got ${JSON.stringify(v)}`)
  return v
}

const posInt = (v: number): boolean => Number.isInteger(v) && v > 0

/** Fills defaults and checks every field; throws an Error naming the first bad one. */
export function parseTrainConfig(input: unknown): TrainConfig {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new Error('train config: expected an object')
  const raw = input as Record<string, unknown>
  const known = new Set(['model', ...Object.keys(trainDefaults)])
  for (const key of Object.keys(raw)) if (!known.has(key)) throw new Error(`train config: unknown field ${key}`)
  const o: Record<string, unknown> = { ...trainDefaults, ...raw }
  if (typeof o.model !== 'object' || o.model === null) throw new Error('train config: model must be a DiT config object')
  const model = { ...(o.model as DiTConfig) }
  validateDiTConfig(model)
  const weightOptions = o.weightOptions
  if (typeof weightOptions !== 'object' || weightOptions === null) throw new Error('train config: weightOptions must be an object')
  return {
    model,
    schedule: parseScheduleKind(o.schedule),
    timesteps: num(o, 'timesteps', (v) => Number.isInteger(v) && v >= 2 && v <= 100000, 'an integer in [2, 100000]'),
    weighting: parseLossWeighting(o.weighting),
    weightOptions: { ...(weightOptions as LossWeightOptions) },
    batchSize: num(o, 'batchSize', (v) => posInt(v) && v <= 4096, 'an integer in [1, 4096]'),
    learningRate: num(o, 'learningRate', (v) => v > 0 && v < 1, 'a number in (0, 1)'),
    beta1: num(o, 'beta1', (v) => v >= 0 && v < 1, 'a number in [0, 1)'),
    beta2: num(o, 'beta2', (v) => v >= 0 && v < 1, 'a number in [0, 1)'),
    adamEps: num(o, 'adamEps', (v) => v > 0, 'a positive number'),
    condDropout: num(o, 'condDropout', (v) => v >= 0 && v <= 1, 'a probability in [0, 1]'),
    steps: num(o, 'steps', (v) => posInt(v) && v <= 1e9, 'a positive integer'),
    seed: num(o, 'seed', Number.isSafeInteger, 'a safe integer'),
    checkpointEvery: num(o, 'checkpointEvery', posInt, 'a positive integer'),
    ...emaField(num(o, 'emaDecay', (v) => v >= 0 && v < 1, 'a number in [0, 1)'))
  }
}

function emaField(decay: number): Pick<TrainConfig, 'emaDecay'> {
  return decay > 0 ? { emaDecay: decay } : {}
}
