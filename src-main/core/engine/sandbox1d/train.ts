/**
 * Trains the 1-D mixture from the reference with PopAlign or SFT (docs/methods/sandbox1d.md §Variants, §Which variant reproduces Fig. 3):
 * Adam lr 1e-2; the diffusion variant uses minibatches of 256 with t ~ U{0..T−1} on the cosine
 * schedule, the likelihood variant full batches. Everything random comes from one seeded Rng.
 */
import { makeSchedule, type ScheduleKind } from '../diffusion/schedule'
import { Rng } from '../../random/rng'
import { Adam } from './adam'
import { makePreferenceData, type PreferenceData } from './data'
import { referenceParams, summarise, type MixtureSummary } from './mixture'
import { diffusionPopAlign, diffusionSft, likelihoodPopAlign, likelihoodSft, type BatchObjective, type NoisedBatch } from './objectives'

export type SandboxMethod = 'popalign' | 'sft'
export type SandboxVariant = 'diffusion' | 'likelihood'

export interface SandboxTrainOptions {
  readonly method: SandboxMethod
  readonly variant?: SandboxVariant
  /** PopAlign divergence penalty β (default 1). */
  readonly beta?: number
  /** PopAlign normaliser mixture α (default 0.5). */
  readonly alpha?: number
  readonly steps?: number
  readonly batch?: number
  readonly lr?: number
  readonly seed?: number
  readonly schedule?: ScheduleKind
  /** Preference data; default: 1000 samples drawn from the reference with `seed`. */
  readonly data?: PreferenceData
  readonly reference?: Float64Array
  /** Called every step with the batch loss (for live curves). */
  readonly onStep?: (step: number, loss: number, implicitAccuracy: number) => void
}

export interface SandboxTrainResult {
  readonly params: Float64Array
  readonly summary: MixtureSummary
  readonly losses: Float64Array
  /** Parameters became non-finite: training diverged and stopped at `stepsRun`. */
  readonly diverged: boolean
  /** Some component's σ fell below 1e-2 of its reference (degenerate spike). */
  readonly collapsed: boolean
  readonly stepsRun: number
}

/** The settings (docs/methods/sandbox1d.md §Variants) that a run uses when the caller does not give them. */
export const SANDBOX_DEFAULTS: Required<Pick<SandboxTrainOptions, 'variant' | 'beta' | 'alpha' | 'steps' | 'batch' | 'lr' | 'seed'>> = {
  variant: 'diffusion',
  beta: 1,
  alpha: 0.5,
  steps: 2000,
  batch: 256,
  lr: 1e-2,
  seed: 0
}

function positiveInt(name: string, v: number): number {
  if (!Number.isInteger(v) || v < 1) throw new Error(`${name} must be a positive integer, got ${v}`)
  return v
}

export function trainSandbox(o: SandboxTrainOptions): SandboxTrainResult {
  if (o.method !== 'popalign' && o.method !== 'sft') {
    throw new Error(`unknown sandbox method "${String(o.method)}"; expected popalign or sft`)
  }
  const variant = o.variant ?? SANDBOX_DEFAULTS.variant
  if (variant !== 'diffusion' && variant !== 'likelihood') {
    throw new Error(`unknown sandbox variant "${String(variant)}"; expected diffusion or likelihood`)
  }
  const steps = positiveInt('steps', o.steps ?? SANDBOX_DEFAULTS.steps)
  const batch = positiveInt('batch', o.batch ?? SANDBOX_DEFAULTS.batch)
  const seed = o.seed ?? SANDBOX_DEFAULTS.seed
  const settings = { beta: o.beta ?? SANDBOX_DEFAULTS.beta, alpha: o.alpha ?? SANDBOX_DEFAULTS.alpha }
  if (!(settings.beta > 0)) throw new Error(`beta must be > 0, got ${settings.beta}`)
  if (!(settings.alpha >= 0 && settings.alpha <= 1)) throw new Error(`alpha must be in [0, 1], got ${settings.alpha}`)
  const reference = o.reference ?? referenceParams()
  const data = o.data ?? makePreferenceData(reference, Rng.derive(seed, 'sandbox1d-data'))
  const rng = Rng.derive(seed, 'sandbox1d-train', o.method, variant)
  const schedule = makeSchedule(o.schedule ?? 'cosine')

  // SFT trains on the winning set only.
  const pool: number[] = []
  for (let i = 0; i < data.x.length; i++) if (o.method === 'popalign' || data.labels[i] === 1) pool.push(i)
  if (pool.length === 0) throw new Error('the preference data has no winners to train on')

  const theta = Float64Array.from(reference)
  const adam = new Adam(theta.length, o.lr ?? SANDBOX_DEFAULTS.lr)
  const losses = new Float64Array(steps)
  const b = {
    xt: new Float64Array(batch),
    eps: new Float64Array(batch),
    ab: new Float64Array(batch),
    labels: new Float64Array(batch)
  }
  const noisedBatch = (): NoisedBatch => {
    for (let i = 0; i < batch; i++) {
      const idx = pool[rng.int(pool.length)]
      const t = rng.int(schedule.T)
      const e = rng.normal()
      b.ab[i] = schedule.alphasCumprod[t]
      b.eps[i] = e
      b.xt[i] = schedule.sqrtAlphasCumprod[t] * data.x[idx] + schedule.sqrtOneMinusAlphasCumprod[t] * e
      b.labels[i] = data.labels[idx]
    }
    return b
  }
  const fullX = pool.map((i) => data.x[i])
  const fullY = pool.map((i) => data.labels[i])

  let diverged = false
  let stepsRun = 0
  for (let step = 0; step < steps; step++) {
    let obj: BatchObjective
    if (variant === 'diffusion') {
      const nb = noisedBatch()
      obj = o.method === 'popalign' ? diffusionPopAlign(theta, reference, nb, settings) : diffusionSft(theta, nb)
    } else {
      obj = o.method === 'popalign' ? likelihoodPopAlign(theta, reference, fullX, fullY, settings) : likelihoodSft(theta, fullX, fullY)
    }
    if (!Number.isFinite(obj.loss) || !obj.grad.every(Number.isFinite)) {
      diverged = true
      break
    }
    adam.step(theta, obj.grad)
    losses[step] = obj.loss
    stepsRun = step + 1
    o.onStep?.(step, obj.loss, obj.implicitAccuracy)
    if (!theta.every(Number.isFinite)) {
      diverged = true
      break
    }
  }
  const summary = summarise(theta)
  const refStds = summarise(reference).stds
  const collapsed = summary.stds.some((s, k) => !(s >= 1e-2 * refStds[k]))
  return { params: theta, summary, losses: losses.subarray(0, stepsRun), diverged, collapsed, stepsRun }
}
