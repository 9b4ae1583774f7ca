/**
 * Noise schedules (docs/methods/diffusion.md §Schedules, §Forward process and SNR), all in float64 because the reference code builds
 * them with float64 numpy and the checked values (§Check values) need ~1e-9 relative agreement.
 */

export type ScheduleKind = 'linear' | 'cosine' | 'scaled_linear'

export const SCHEDULE_KINDS: readonly ScheduleKind[] = ['linear', 'cosine', 'scaled_linear']

/** Default number of diffusion steps for training. */
export const DEFAULT_T = 1000

/**
 * Every per-step quantity the samplers and losses need, indexed by schedule index j = 0..T-1.
 * For a base schedule j is the timestep itself; for a respaced one (see respacing.ts) the model
 * must still be called with the ORIGINAL timestep `timesteps[j]`.
 */
export interface NoiseSchedule {
  readonly kind: ScheduleKind
  /** Length of this schedule (1000 for a training schedule, fewer once respaced). */
  readonly T: number
  readonly betas: Float64Array
  readonly alphas: Float64Array
  /** ᾱ_j = prod_{s<=j} α_s. */
  readonly alphasCumprod: Float64Array
  /** ᾱ_{j-1}, with ᾱ_{-1} = 1. */
  readonly alphasCumprodPrev: Float64Array
  readonly sqrtAlphasCumprod: Float64Array
  readonly sqrtOneMinusAlphasCumprod: Float64Array
  /** SNR_j = ᾱ_j / (1 - ᾱ_j). */
  readonly snr: Float64Array
  readonly logSnr: Float64Array
  /** The model-facing timestep for each index (identity for a base schedule). */
  readonly timesteps: Int32Array
}

function assertStepCount(T: number): void {
  if (!Number.isInteger(T) || T < 2) {
    throw new Error(`schedule needs an integer number of steps >= 2, got ${String(T)}`)
  }
}

/** numpy.linspace semantics: start + i*step, with the last element exactly `stop`. */
function linspace(start: number, stop: number, n: number): Float64Array {
  const out = new Float64Array(n)
  const step = (stop - start) / (n - 1)
  for (let i = 0; i < n; i++) out[i] = i * step + start
  out[n - 1] = stop
  return out
}

/** β_t for a named schedule. */
export function betasFor(kind: ScheduleKind, T: number = DEFAULT_T): Float64Array {
  assertStepCount(T)
  switch (kind) {
    case 'linear': {
      // guided-diffusion scales the endpoints so that other T keep the same overall noise.
      const scale = 1000 / T
      return linspace(scale * 1e-4, scale * 0.02, T)
    }
    case 'cosine': {
      const s = 0.008
      const f = (u: number): number => Math.cos(((u + s) / (1 + s)) * (Math.PI / 2)) ** 2
      const out = new Float64Array(T)
      for (let t = 0; t < T; t++) out[t] = Math.min(1 - f((t + 1) / T) / f(t / T), 0.999)
      return out
    }
    case 'scaled_linear': {
      const root = linspace(Math.sqrt(0.00085), Math.sqrt(0.012), T)
      for (let t = 0; t < T; t++) root[t] = root[t] * root[t]
      return root
    }
    default:
      throw new Error(`unknown noise schedule "${String(kind)}"; expected one of ${SCHEDULE_KINDS.join(', ')}`)
  }
}

/** Builds all derived arrays from betas; `timesteps` defaults to the identity. */
export function scheduleFromBetas(kind: ScheduleKind, betas: Float64Array, timesteps?: Int32Array): NoiseSchedule {
  const T = betas.length
  if (T < 1) throw new Error('schedule needs at least one beta')
  for (let j = 0; j < T; j++) {
    const b = betas[j]
    if (!(b > 0 && b < 1)) throw new Error(`beta[${j}] = ${b} is outside (0, 1)`)
  }
  const ts = timesteps ?? Int32Array.from({ length: T }, (_, j) => j)
  if (ts.length !== T) throw new Error(`timesteps length ${ts.length} != betas length ${T}`)
  const alphas = new Float64Array(T)
  const ab = new Float64Array(T)
  const abPrev = new Float64Array(T)
  const sqrtAb = new Float64Array(T)
  const sqrt1mAb = new Float64Array(T)
  const snr = new Float64Array(T)
  const logSnr = new Float64Array(T)
  let running = 1
  for (let j = 0; j < T; j++) {
    alphas[j] = 1 - betas[j]
    abPrev[j] = running
    running *= alphas[j]
    ab[j] = running
    sqrtAb[j] = Math.sqrt(running)
    sqrt1mAb[j] = Math.sqrt(1 - running)
    snr[j] = running / (1 - running)
    logSnr[j] = Math.log(running) - Math.log1p(-running)
  }
  return {
    kind,
    T,
    betas,
    alphas,
    alphasCumprod: ab,
    alphasCumprodPrev: abPrev,
    sqrtAlphasCumprod: sqrtAb,
    sqrtOneMinusAlphasCumprod: sqrt1mAb,
    snr,
    logSnr,
    timesteps: ts
  }
}

/** A training schedule with T steps (default 1000). */
export function makeSchedule(kind: ScheduleKind, T: number = DEFAULT_T): NoiseSchedule {
  return scheduleFromBetas(kind, betasFor(kind, T))
}

/** Checks a schedule name coming from a config or the UI. */
export function parseScheduleKind(value: unknown): ScheduleKind {
  if (typeof value === 'string' && (SCHEDULE_KINDS as readonly string[]).includes(value)) {
    return value as ScheduleKind
  }
  throw new Error(`unknown noise schedule ${JSON.stringify(value)}; expected one of ${SCHEDULE_KINDS.join(', ')}`)
}
