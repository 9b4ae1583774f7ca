// DDIM, Euler and Euler ancestral (discrete) schedulers in TypeScript, following diffusers'
// DDIMScheduler, EulerDiscreteScheduler and EulerAncestralDiscreteScheduler as they are built
// `from_config` of a Stable Diffusion scheduler_config.json (keys the file lacks take those classes'
// defaults: DDIM clips x0 to [-1, 1], uses "leading" spacing and eta 0; the Euler pair uses
// "linspace" spacing, no churn and a final sigma of 0). Timesteps and sigmas match diffusers' for every
// spacing (test/sd/schedulers.test.ts against reference/schedules.json). The UNet predicts the noise
// (epsilon: SD 1.x, 2.x-base, SDXL, the Turbo models) or v (v_prediction: SD 2.x at 768 px); each
// scheduler turns v into x0 and the noise as diffusers' step() does. "sample" prediction is refused.
import type { SchedulerConfig } from './folder'

export type SchedulerName = 'ddim' | 'euler' | 'euler-ancestral'

export const SCHEDULER_NAMES: readonly SchedulerName[] = ['ddim', 'euler', 'euler-ancestral']

export interface Scheduler {
  readonly name: SchedulerName
  /** Model timesteps, first to last. */
  readonly timesteps: number[]
  /** The Euler pair's noise levels, one per timestep and a final 0 (diffusers' `sigmas`). */
  readonly sigmas?: number[]
  /** Multiplies the initial Gaussian latents. */
  readonly initNoiseSigma: number
  /** True when step() adds fresh Gaussian noise (Euler ancestral): one latent-sized draw per step. */
  readonly stochastic: boolean
  /** What the UNet sees at step i (Euler scales by 1/sqrt(sigma^2 + 1)). */
  scaleInput(latents: Float32Array, i: number): Float32Array
  /**
   * One step: the latents of step i+1 from those of step i and the UNet's (guided) output, the noise or
   * v as the config's prediction_type says. A stochastic scheduler takes `noise`, a standard Gaussian
   * draw of the latents' size.
   */
  step(modelOutput: Float32Array, i: number, latents: Float32Array, noise?: Float32Array): Float32Array
}

/** alphas_cumprod of the training schedule (diffusers' betas: linear or scaled_linear). */
export function alphasCumprod(c: SchedulerConfig): Float64Array {
  const n = c.num_train_timesteps
  const out = new Float64Array(n)
  let prod = 1
  for (let i = 0; i < n; i++) {
    const f = n === 1 ? 0 : i / (n - 1)
    let beta: number
    if (c.beta_schedule === 'scaled_linear') beta = (Math.sqrt(c.beta_start) + f * (Math.sqrt(c.beta_end) - Math.sqrt(c.beta_start))) ** 2
    else if (c.beta_schedule === 'linear') beta = c.beta_start + f * (c.beta_end - c.beta_start)
    else throw new Error(`beta_schedule "${c.beta_schedule}" is not supported (linear or scaled_linear)`)
    // diffusers computes betas in float32; the product is kept in float32 steps too.
    prod = Math.fround(prod * Math.fround(1 - Math.fround(beta)))
    out[i] = prod
  }
  return out
}

/** numpy's round(): halves go to the even neighbour (937.5 -> 938, 812.5 -> 812), unlike Math.round. */
function roundHalfEven(x: number): number {
  const r = Math.round(x)
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r
}

/** The scheduler diffusers would build from the config's `_class_name`, where it is one of ours. */
export function schedulerOfConfig(c: SchedulerConfig): SchedulerName | null {
  switch (c._class_name) {
    case 'DDIMScheduler':
      return 'ddim'
    case 'EulerDiscreteScheduler':
      return 'euler'
    case 'EulerAncestralDiscreteScheduler':
      return 'euler-ancestral'
    default:
      return null
  }
}

export function makeScheduler(name: SchedulerName, c: SchedulerConfig, steps: number): Scheduler {
  if (c.prediction_type !== 'epsilon' && c.prediction_type !== 'v_prediction') throw new Error(`prediction_type "${c.prediction_type}" is not supported (epsilon or v_prediction)`)
  if (!Number.isInteger(steps) || steps < 1 || steps > c.num_train_timesteps) throw new Error(`steps must be a whole number from 1 to ${c.num_train_timesteps}, got ${steps}`)
  if (name === 'ddim') return ddim(c, steps)
  if (name === 'euler' || name === 'euler-ancestral') return euler(c, steps, name === 'euler-ancestral')
  throw new Error(`unknown scheduler "${String(name)}" (${SCHEDULER_NAMES.join(', ')})`)
}

/** diffusers' "trailing" spacing: round(arange(n, 0, -n/steps)) - 1, so the first step is t = n - 1 (Turbo models). */
function trailing(n: number, steps: number): number[] {
  const ratio = n / steps
  return Array.from({ length: steps }, (_, i) => roundHalfEven(n - i * ratio) - 1)
}

function leading(n: number, steps: number, offset: number): number[] {
  const ratio = Math.floor(n / steps)
  return Array.from({ length: steps }, (_, i) => i * ratio + offset).reverse()
}

function ddim(c: SchedulerConfig, steps: number): Scheduler {
  const ac = alphasCumprod(c)
  const n = c.num_train_timesteps
  const spacing = c.timestep_spacing ?? 'leading'
  let timesteps: number[]
  if (spacing === 'leading') timesteps = leading(n, steps, c.steps_offset ?? 0)
  else if (spacing === 'trailing') timesteps = trailing(n, steps)
  else throw new Error(`DDIM timestep_spacing "${spacing}" is not supported (leading or trailing)`)
  const final = c.set_alpha_to_one === false ? ac[0] : 1
  const clip = c.clip_sample ?? true
  const range = c.clip_sample_range ?? 1
  const stride = Math.floor(n / steps)
  const v = c.prediction_type === 'v_prediction'
  return {
    name: 'ddim',
    timesteps,
    initNoiseSigma: 1,
    stochastic: false,
    scaleInput: (x) => x,
    step(m, i, x) {
      const t = timesteps[i]
      const prev = t - stride
      const a = ac[t]
      const aPrev = prev >= 0 ? ac[prev] : final
      const sa = Math.sqrt(a)
      const s1a = Math.sqrt(1 - a)
      const out = new Float32Array(x.length)
      for (let k = 0; k < x.length; k++) {
        // v = sqrt(a) eps - sqrt(1 - a) x0, so x0 = sqrt(a) x - sqrt(1 - a) v and eps = sqrt(a) v + sqrt(1 - a) x.
        const eps = v ? sa * m[k] + s1a * x[k] : m[k]
        let x0 = v ? sa * x[k] - s1a * m[k] : (x[k] - s1a * m[k]) / sa
        if (clip) x0 = Math.min(range, Math.max(-range, x0))
        out[k] = Math.sqrt(aPrev) * x0 + Math.sqrt(1 - aPrev) * eps
      }
      return out
    }
  }
}

/**
 * Euler on the sigma grid. The ancestral variant steps down to sigma_down and adds sigma_up of fresh
 * noise (sigma_up^2 = sigma_to^2 (sigma_from^2 - sigma_to^2) / sigma_from^2, sigma_down^2 = sigma_to^2 -
 * sigma_up^2), as diffusers' EulerAncestralDiscreteScheduler.step does; at the last step both are 0.
 */
function euler(c: SchedulerConfig, steps: number, ancestral: boolean): Scheduler {
  const ac = alphasCumprod(c)
  const n = c.num_train_timesteps
  const full = Array.from(ac, (a) => Math.sqrt((1 - a) / a))
  const spacing = c.timestep_spacing ?? 'linspace'
  let timesteps: number[]
  // numpy's linspace(0, n - 1, 1) is [0]: one "linspace" step is taken at t = 0, as diffusers does
  // (few-step models use "trailing", whose single step is t = n - 1).
  if (spacing === 'linspace') timesteps = Array.from({ length: steps }, (_, i) => (steps === 1 ? 0 : Math.fround(((n - 1) * (steps - 1 - i)) / (steps - 1))))
  else if (spacing === 'leading') timesteps = leading(n, steps, c.steps_offset ?? 0)
  else if (spacing === 'trailing') timesteps = trailing(n, steps)
  else throw new Error(`Euler timestep_spacing "${spacing}" is not supported (linspace, leading or trailing)`)
  // Sigmas interpolated linearly at (possibly fractional) timesteps, then a final 0.
  const sigmaAt = (t: number): number => {
    const lo = Math.floor(t)
    const hi = Math.min(n - 1, lo + 1)
    return full[lo] + (t - lo) * (full[hi] - full[lo])
  }
  const sigmas = [...timesteps.map(sigmaAt), 0]
  const maxSigma = Math.max(...sigmas)
  const v = c.prediction_type === 'v_prediction'
  return {
    name: ancestral ? 'euler-ancestral' : 'euler',
    timesteps,
    sigmas,
    initNoiseSigma: spacing === 'linspace' || spacing === 'trailing' ? maxSigma : Math.sqrt(maxSigma * maxSigma + 1),
    stochastic: ancestral,
    scaleInput(x, i) {
      const s = 1 / Math.sqrt(sigmas[i] * sigmas[i] + 1)
      return x.map((v) => v * s)
    },
    step(m, i, x, noise) {
      const from = sigmas[i]
      const to = sigmas[i + 1]
      // The ODE derivative (x - x0) / sigma: the noise itself for epsilon; for v, x0 = -sigma/sqrt(sigma^2+1) v + x/(sigma^2+1).
      const cOut = -from / Math.sqrt(from * from + 1)
      const cSkip = 1 / (from * from + 1)
      const d = v ? (k: number): number => (x[k] - (m[k] * cOut + x[k] * cSkip)) / from : (k: number): number => m[k]
      if (!ancestral) return x.map((xk, k) => xk + d(k) * (to - from))
      if (!noise || noise.length !== x.length) throw new Error(`euler-ancestral: step ${i} needs ${x.length} noise values, got ${noise?.length ?? 0}`)
      const up = Math.sqrt((to * to * (from * from - to * to)) / (from * from))
      const down = Math.sqrt(Math.max(0, to * to - up * up))
      const dt = down - from
      return x.map((xk, k) => xk + d(k) * dt + noise[k] * up)
    }
  }
}
