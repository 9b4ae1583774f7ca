// DDIM and Euler (discrete) schedulers in TypeScript, following diffusers' DDIMScheduler and
// EulerDiscreteScheduler as they are built `from_config` of a Stable Diffusion scheduler_config.json
// (keys the file lacks take those classes' defaults: DDIM clips x0 to [-1, 1], uses "leading"
// spacing and eta 0; Euler uses "linspace" spacing, no churn and a final sigma of 0). Epsilon
// prediction only (SD 1.x / 2.x-base); v-prediction models are refused with the reason.
import type { SchedulerConfig } from './folder'

export type SchedulerName = 'ddim' | 'euler'

export interface Scheduler {
  readonly name: SchedulerName
  /** Model timesteps, first to last. */
  readonly timesteps: number[]
  /** Multiplies the initial Gaussian latents. */
  readonly initNoiseSigma: number
  /** What the UNet sees at step i (Euler scales by 1/sqrt(sigma^2 + 1)). */
  scaleInput(latents: Float32Array, i: number): Float32Array
  /** One step: the latents of step i+1 from those of step i and the predicted noise. */
  step(eps: Float32Array, i: number, latents: Float32Array): Float32Array
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

export function makeScheduler(name: SchedulerName, c: SchedulerConfig, steps: number): Scheduler {
  if (c.prediction_type !== 'epsilon') throw new Error(`prediction_type "${c.prediction_type}" is not supported yet (epsilon only): v-prediction models such as SD 2.x-768 cannot be sampled`)
  if (!Number.isInteger(steps) || steps < 1 || steps > c.num_train_timesteps) throw new Error(`steps must be a whole number from 1 to ${c.num_train_timesteps}, got ${steps}`)
  return name === 'ddim' ? ddim(c, steps) : euler(c, steps)
}

function ddim(c: SchedulerConfig, steps: number): Scheduler {
  const ac = alphasCumprod(c)
  const n = c.num_train_timesteps
  const spacing = c.timestep_spacing ?? 'leading'
  let timesteps: number[]
  if (spacing === 'leading') {
    const ratio = Math.floor(n / steps)
    timesteps = Array.from({ length: steps }, (_, i) => i * ratio + (c.steps_offset ?? 0)).reverse()
  } else if (spacing === 'trailing') {
    const ratio = n / steps
    timesteps = Array.from({ length: steps }, (_, i) => Math.round(n - i * ratio) - 1)
  } else throw new Error(`DDIM timestep_spacing "${spacing}" is not supported (leading or trailing)`)
  const final = c.set_alpha_to_one === false ? ac[0] : 1
  const clip = c.clip_sample ?? true
  const range = c.clip_sample_range ?? 1
  const stride = Math.floor(n / steps)
  return {
    name: 'ddim',
    timesteps,
    initNoiseSigma: 1,
    scaleInput: (x) => x,
    step(eps, i, x) {
      const t = timesteps[i]
      const prev = t - stride
      const a = ac[t]
      const aPrev = prev >= 0 ? ac[prev] : final
      const sa = Math.sqrt(a)
      const s1a = Math.sqrt(1 - a)
      const out = new Float32Array(x.length)
      for (let k = 0; k < x.length; k++) {
        let x0 = (x[k] - s1a * eps[k]) / sa
        if (clip) x0 = Math.min(range, Math.max(-range, x0))
        out[k] = Math.sqrt(aPrev) * x0 + Math.sqrt(1 - aPrev) * eps[k]
      }
      return out
    }
  }
}

function euler(c: SchedulerConfig, steps: number): Scheduler {
  const ac = alphasCumprod(c)
  const n = c.num_train_timesteps
  const full = Array.from(ac, (a) => Math.sqrt((1 - a) / a))
  const spacing = c.timestep_spacing ?? 'linspace'
  let timesteps: number[]
  if (spacing === 'linspace') timesteps = Array.from({ length: steps }, (_, i) => (steps === 1 ? n - 1 : ((n - 1) * (steps - 1 - i)) / (steps - 1)))
  else if (spacing === 'leading') {
    const ratio = Math.floor(n / steps)
    timesteps = Array.from({ length: steps }, (_, i) => i * ratio + (c.steps_offset ?? 0)).reverse()
  } else if (spacing === 'trailing') {
    const ratio = n / steps
    timesteps = Array.from({ length: steps }, (_, i) => Math.round(n - i * ratio) - 1)
  } else throw new Error(`Euler timestep_spacing "${spacing}" is not supported (linspace, leading or trailing)`)
  // Sigmas interpolated linearly at (possibly fractional) timesteps, then a final 0.
  const sigmaAt = (t: number): number => {
    const lo = Math.floor(t)
    const hi = Math.min(n - 1, lo + 1)
    return full[lo] + (t - lo) * (full[hi] - full[lo])
  }
  const sigmas = [...timesteps.map(sigmaAt), 0]
  const maxSigma = Math.max(...sigmas)
  return {
    name: 'euler',
    timesteps,
    initNoiseSigma: spacing === 'linspace' || spacing === 'trailing' ? maxSigma : Math.sqrt(maxSigma * maxSigma + 1),
    scaleInput(x, i) {
      const s = 1 / Math.sqrt(sigmas[i] * sigmas[i] + 1)
      return x.map((v) => v * s)
    },
    step(eps, i, x) {
      const dt = sigmas[i + 1] - sigmas[i]
      return x.map((v, k) => v + eps[k] * dt)
    }
  }
}
