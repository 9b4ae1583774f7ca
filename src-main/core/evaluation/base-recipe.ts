// The base model's recipe (issue 3, item 8): architecture, diffusion settings and the training phases
// that `train-base` runs, each overridable by a CLI flag (given here as the flag's raw string).
import { parseTrainConfig, type TrainConfig } from '../engine/train/config'
import { VOCAB_SIZE } from '../world/vocabulary'

export type RecipeArgs = Record<string, string>

export function numFlag(args: RecipeArgs, name: string, fallback: number): number {
  if (args[name] === undefined) return fallback
  const v = Number(args[name])
  if (!Number.isFinite(v) || v <= 0) throw new Error(`--${name} must be a positive number, got "${args[name]}"`)
  return v
}

/** The base model's recipe; every field is recorded in config.json. */
export function baseTrainConfig(args: RecipeArgs): TrainConfig {
  return parseTrainConfig({
    model: {
      imageSize: 16,
      channels: 3,
      patch: numFlag(args, 'patch', 4),
      width: numFlag(args, 'width', 96),
      depth: numFlag(args, 'depth', 4),
      heads: 4,
      mlpRatio: 4,
      timeFeatures: 64,
      vocabSize: VOCAB_SIZE
    },
    // Cosine: the schedule the samplers default to, and kinder to 16x16 images than linear.
    schedule: 'cosine',
    timesteps: 1000,
    weighting: 'constant',
    batchSize: numFlag(args, 'batch', 64),
    learningRate: numFlag(args, 'lr', 1e-3),
    condDropout: 0.1,
    steps: numFlag(args, 'steps', 3000),
    seed: Math.floor(numFlag(args, 'seed', 1)),
    checkpointEvery: numFlag(args, 'checkpoint-every', 200)
  })
}

/** Ancestral DDPM: visibly cleaner than DDIM on this small model (DDIM leaves pixel noise). */
export const BASE_EVAL_SAMPLING = { sampler: 'ddpm' as const, steps: 100, guidance: 3, seed: 1234 }

/**
 * Default pretraining data: SDXL-like bias; 40% of captions name attributes, and the attributes they
 * name are drawn uniformly ('balanced'), so every concept/attribute pairing is seen with its words
 * while figures under neutral captions keep the full bias.
 */
export const BASE_DATA_OPTIONS = { captionAttributeFraction: 0.4, namedAttributes: 'balanced' as const }

/**
 * Phases 3 and 4: most captions name the attributes (drawn balanced); neutral captions keep their
 * biased images, so neutral prompts stay biased. Phases 1-2 learn the concepts and the bias quickly,
 * but a minority attribute ("a round firefighter") has to outweigh the concept's prior, and that is
 * learnt from attribute captions, so these phases train on more of them.
 */
export const ATTRIBUTE_DATA_OPTIONS = { captionAttributeFraction: 0.8, namedAttributes: 'balanced' as const }

/**
 * A follow-on phase's config: the previous phase's settings at its own steps and learning rate, with a
 * different batch stream (still fixed by the seed); null when its steps are 0.
 */
function followOnConfig(previous: TrainConfig, args: RecipeArgs, flag: string, defaults: { steps: number; lr: number }): TrainConfig | null {
  const steps = args[`${flag}-steps`] === '0' ? 0 : numFlag(args, `${flag}-steps`, defaults.steps)
  if (steps === 0) return null
  return parseTrainConfig({ ...previous, steps, learningRate: numFlag(args, `${flag}-lr`, defaults.lr), seed: previous.seed + 1000 })
}

export interface Phase {
  name: string
  config: TrainConfig
  data: object
  runDir: string
}

/** The whole recipe: each phase starts from the previous phase's final weights. */
export function basePhases(args: RecipeArgs, runDir: string): Phase[] {
  const phases: Phase[] = [{ name: 'main', config: baseTrainConfig(args), data: BASE_DATA_OPTIONS, runDir }]
  const follow = (name: string, flag: string, defaults: { steps: number; lr: number }, data: object): void => {
    const config = followOnConfig(phases[phases.length - 1].config, args, flag, defaults)
    if (config) phases.push({ name, config, data, runDir: `${runDir}-${name}` })
  }
  follow('decay', 'decay', { steps: 2500, lr: 2.5e-4 }, BASE_DATA_OPTIONS)
  follow('attributes', 'attribute', { steps: 3000, lr: 2.5e-4 }, ATTRIBUTE_DATA_OPTIONS)
  follow('polish', 'polish', { steps: 8000, lr: 1.5e-4 }, ATTRIBUTE_DATA_OPTIONS)
  return phases
}
