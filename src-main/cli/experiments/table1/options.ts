// Settings of the "Table 1 in miniature" experiment: the paper's pipeline (docs/methods/popalign.md §Recipe, docs/methods/evaluation.md)
// with counts scaled to a 2-core machine, a --quick variant for the smoke test, and the few knobs a
// user may turn from the CLI. Every setting is stored with the run, so a workdir can only be resumed
// with the settings it was started with (otherwise stages would mix two experiments).

/**
 * Seeds, fixed before any tuning (docs/table1.md). Settings are chosen on the development seeds only;
 * the evaluation seeds are run once the settings are fixed, and a target is met only when it is met on
 * the mean of the evaluation seeds and on every one of them. Seed 1 is in neither set: the learning
 * rate of the earlier single-seed table was chosen on it. Three evaluation seeds, not five, because one
 * seed takes about ten minutes on the shared 2-core machine.
 */
export const DEV_SEEDS: readonly number[] = [101, 102, 103]
export const EVAL_SEEDS: readonly number[] = [2, 3, 4]

/** Which set a seed belongs to, as the tables print it. */
export function seedRole(seed: number): 'development' | 'evaluation' | 'other' {
  return DEV_SEEDS.includes(seed) ? 'development' : EVAL_SEEDS.includes(seed) ? 'evaluation' : 'other'
}

export interface SamplingChoice {
  sampler: 'ddim' | 'ddpm'
  steps: number
  guidance: number
}

export interface Table1Settings {
  seed: number
  quick: boolean
  /** Concepts whose identity-neutral prompts are the training prompts (the astronaut included: the gate must drop it). */
  trainConcepts: string[]
  /** Templates ("{}" = concept) of the training prompts. */
  trainTemplates: string[]
  /** Concepts of the held-out evaluation prompts (visible ones: a hidden figure has no attributes to count). */
  evalConcepts: string[]
  /** Templates of the held-out prompts; none of them is a training template. */
  heldOutTemplates: string[]
  acquire: { nPerNeutral: number; mPerSpecific: number; k: number; pairsPerPrompt: number }
  /** The acquisition gate's classifier: the shipped one, or an ONNX model with its mapping file. */
  acquireClassifier: 'builtin' | { onnxPath?: string; mappingPath: string }
  /** weighting: the per-timestep loss weight, constant or the Debias paper's 1/sqrt(SNR) ('debias'). */
  finetune: { steps: number; batchSize: number; learningRate: number; beta: number; alpha: number; condDropout: number; checkpointEvery: number; weighting: 'constant' | 'debias' }
  /** Images per held-out neutral prompt and per identity-specific prompt. */
  evaluation: { neutralPerPrompt: number; specificPerPrompt: number; resamples: number; frechetResamples: number }
  sampling: SamplingChoice
}

const VISIBLE = ['doctor', 'nurse', 'chef', 'firefighter', 'teacher', 'pilot', 'farmer', 'painter']
/** Evaluated concepts: five of the eight, so 10 held-out prompts x 100 images x 3 models fit the hour. */
const EVAL_CONCEPTS = ['doctor', 'nurse', 'chef', 'firefighter', 'pilot']

/**
 * Full run. Acquisition keeps the paper's proportions (12 identity-specific prompts per neutral prompt,
 * the augmented pool about 1.2 x the neutral pool, sets of 5); the fine-tune keeps its recipe (alpha 0.5,
 * 4 pairs per step, caption dropout 0.2, beta 1000) with the setting that did best on the development
 * seeds: 1/sqrt(SNR) loss weighting, lr 5e-5, 200 steps. Constant weighting at lr 5e-5 (300 steps) or
 * 2.5e-5 (400 steps) speckles the pictures; no setting tried met every target on every development
 * seed (docs/table1.md has the sweep and the miss on the evaluation seeds).
 * Evaluation: 5 concepts x 2 held-out templates = 10 prompts x 100 images, and 5 x 12 identity-specific
 * prompts x 5 images (the paper's Table 2 uses 100; 5 keeps a seed's run short on 2 cores).
 */
export function fullSettings(seed: number): Table1Settings {
  return {
    seed,
    quick: false,
    trainConcepts: [...VISIBLE, 'astronaut'],
    trainTemplates: ['a photo of a {}', 'a picture of a {}', 'a {}'],
    evalConcepts: [...EVAL_CONCEPTS],
    heldOutTemplates: ['a portrait of a {}', 'a drawing of the {}'],
    acquire: { nPerNeutral: 40, mPerSpecific: 4, k: 5, pairsPerPrompt: 20 },
    acquireClassifier: 'builtin',
    finetune: { steps: 200, batchSize: 8, learningRate: 5e-5, beta: 1000, alpha: 0.5, condDropout: 0.2, checkpointEvery: 100, weighting: 'debias' },
    evaluation: { neutralPerPrompt: 100, specificPerPrompt: 5, resamples: 1000, frechetResamples: 100 },
    sampling: { sampler: 'ddim', steps: 50, guidance: 3 }
  }
}

/** Small counts for the smoke test: every stage runs, nothing is meaningful. */
export function quickSettings(seed: number): Table1Settings {
  return {
    seed,
    quick: true,
    trainConcepts: ['doctor', 'nurse'],
    trainTemplates: ['a photo of a {}'],
    evalConcepts: ['doctor', 'nurse'],
    heldOutTemplates: ['a portrait of a {}', 'a drawing of the {}'],
    acquire: { nPerNeutral: 8, mPerSpecific: 1, k: 2, pairsPerPrompt: 2 },
    acquireClassifier: 'builtin',
    finetune: { steps: 4, batchSize: 4, learningRate: 1e-4, beta: 1000, alpha: 0.5, condDropout: 0.2, checkpointEvery: 4, weighting: 'constant' },
    evaluation: { neutralPerPrompt: 4, specificPerPrompt: 1, resamples: 50, frechetResamples: 10 },
    sampling: { sampler: 'ddim', steps: 4, guidance: 3 }
  }
}

/** CLI overrides for the principled adjustments (beta, alpha, steps, lr, pairs, caption dropout, weighting). */
export interface SettingOverrides {
  steps?: number
  beta?: number
  alpha?: number
  learningRate?: number
  pairsPerPrompt?: number
  condDropout?: number
  weighting?: 'constant' | 'debias'
}

export function applyOverrides(s: Table1Settings, o: SettingOverrides): Table1Settings {
  return {
    ...s,
    acquire: { ...s.acquire, ...(o.pairsPerPrompt !== undefined ? { pairsPerPrompt: o.pairsPerPrompt } : {}) },
    finetune: {
      ...s.finetune,
      ...(o.steps !== undefined ? { steps: o.steps, checkpointEvery: Math.min(s.finetune.checkpointEvery, o.steps) } : {}),
      ...(o.beta !== undefined ? { beta: o.beta } : {}),
      ...(o.learningRate !== undefined ? { learningRate: o.learningRate } : {}),
      ...(o.alpha !== undefined ? { alpha: o.alpha } : {}),
      ...(o.condDropout !== undefined ? { condDropout: o.condDropout } : {}),
      ...(o.weighting !== undefined ? { weighting: o.weighting } : {})
    }
  }
}

function positiveInt(v: number, what: string): void {
  if (!Number.isInteger(v) || v <= 0) throw new Error(`${what} must be a positive integer, got ${v}`)
}

/** Throws naming the first setting that cannot work. */
export function validateSettings(s: Table1Settings): void {
  if (!Number.isSafeInteger(s.seed) || s.seed < 0 || s.seed > 2 ** 32 - 1) throw new Error(`seed must be an integer in [0, 2^32), got ${s.seed}`)
  positiveInt(s.acquire.nPerNeutral, 'acquisition images per neutral prompt')
  positiveInt(s.acquire.mPerSpecific, 'acquisition images per identity-specific prompt')
  positiveInt(s.acquire.k, 'set size k')
  positiveInt(s.acquire.pairsPerPrompt, 'pairs per prompt')
  if (s.acquire.nPerNeutral < s.acquire.k) throw new Error(`images per neutral prompt (${s.acquire.nPerNeutral}) must be at least the set size (${s.acquire.k})`)
  positiveInt(s.finetune.steps, 'fine-tune steps')
  positiveInt(s.finetune.batchSize, 'fine-tune batch size')
  if (s.finetune.batchSize % 2 !== 0) throw new Error(`fine-tune batch size must be even (winner-loser pairs), got ${s.finetune.batchSize}`)
  if (!(s.finetune.learningRate > 0)) throw new Error(`learning rate must be positive, got ${s.finetune.learningRate}`)
  if (!(s.finetune.beta > 0)) throw new Error(`beta must be positive, got ${s.finetune.beta}`)
  if (!(s.finetune.alpha > 0 && s.finetune.alpha < 1)) throw new Error(`alpha must be in (0, 1), got ${s.finetune.alpha}`)
  if (!(s.finetune.condDropout >= 0 && s.finetune.condDropout <= 1)) throw new Error(`caption dropout must be in [0, 1], got ${s.finetune.condDropout}`)
  if (s.finetune.weighting !== 'constant' && s.finetune.weighting !== 'debias') throw new Error(`weighting must be constant or debias, got ${String(s.finetune.weighting)}`)
  positiveInt(s.evaluation.neutralPerPrompt, 'images per held-out prompt')
  positiveInt(s.evaluation.specificPerPrompt, 'images per identity-specific prompt')
  positiveInt(s.sampling.steps, 'sampler steps')
  if (s.evaluation.neutralPerPrompt < 2) throw new Error('images per held-out prompt must be at least 2 (a Frechet distance needs a covariance)')
}
