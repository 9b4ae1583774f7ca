/**
 * Per-timestep weights on the ε-MSE (docs/methods/debias-weighting.md §Weight, §Other weightings). A trainer multiplies each
 * sample's MSE_i by w[t_i]; none of these is normalised, clipped or clamped unless asked, because
 * the reference code does neither (Adam is scale-invariant up to eps anyway).
 */
import type { NoiseSchedule } from './schedule'

export type LossWeighting =
  | 'constant' // DDPM "simple": 1
  | 'debias' // Yu et al.: 1/sqrt(SNR)
  | 'min_snr' // Hang et al.: min(SNR, γ)/SNR
  | 'p2' // Choi et al.: 1/(k + SNR)^γ
  | 'x0' // 1/SNR, i.e. an unweighted x0-prediction loss

export const LOSS_WEIGHTINGS: readonly LossWeighting[] = ['constant', 'debias', 'min_snr', 'p2', 'x0']

export interface LossWeightOptions {
  /** Min-SNR γ (default 5, hard-coded in the reference). */
  readonly minSnrGamma?: number
  /** P2 k (default 1, as the reference scripts pass). */
  readonly p2K?: number
  /** P2 γ (default 1, as the reference scripts pass). */
  readonly p2Gamma?: number
  /**
   * Optional cap on SNR before weighting (kohya-style "debiased estimation" uses 1000). Not in the
   * Debias reference, so off by default (the Train screen reproduces the paper); fine-tunes with
   * the Debias weighting set 1000 so that the least noisy timesteps (SNR ~2.4e4 at the first cosine
   * step) keep a weight of at least 1/sqrt(1000) ~ 0.03 instead of ~0.006.
   */
  readonly maxSnr?: number
}

function positive(name: string, v: number): number {
  if (!Number.isFinite(v) || v <= 0) throw new Error(`${name} must be a positive number, got ${v}`)
  return v
}

/** w[j] for every index j of the schedule. */
export function lossWeights(kind: LossWeighting, schedule: NoiseSchedule, opts: LossWeightOptions = {}): Float64Array {
  const gamma = positive('minSnrGamma', opts.minSnrGamma ?? 5)
  const k = opts.p2K ?? 1
  if (!Number.isFinite(k) || k < 0) throw new Error(`p2K must be a number >= 0, got ${k}`)
  const p2Gamma = opts.p2Gamma ?? 1
  if (!Number.isFinite(p2Gamma) || p2Gamma < 0) {
    throw new Error(`p2Gamma must be a number >= 0, got ${p2Gamma}`)
  }
  const maxSnr = opts.maxSnr === undefined ? Infinity : positive('maxSnr', opts.maxSnr)
  const out = new Float64Array(schedule.T)
  for (let j = 0; j < schedule.T; j++) {
    const snr = Math.min(schedule.snr[j], maxSnr)
    switch (kind) {
      case 'constant':
        out[j] = 1
        break
      case 'debias':
        out[j] = 1 / Math.sqrt(snr)
        break
      case 'min_snr':
        out[j] = Math.min(snr, gamma) / snr
        break
      case 'p2':
        out[j] = 1 / (k + snr) ** p2Gamma
        break
      case 'x0':
        out[j] = 1 / snr
        break
      default:
        throw new Error(`unknown loss weighting "${String(kind)}"; expected one of ${LOSS_WEIGHTINGS.join(', ')}`)
    }
  }
  return out
}

/** Checks a weighting name coming from a config or the UI. */
export function parseLossWeighting(value: unknown): LossWeighting {
  if (typeof value === 'string' && (LOSS_WEIGHTINGS as readonly string[]).includes(value)) {
    return value as LossWeighting
  }
  throw new Error(`unknown loss weighting ${JSON.stringify(value)}; expected one of ${LOSS_WEIGHTINGS.join(', ')}`)
}
