/**
 * Choosing fewer sampling steps (docs/methods/diffusion.md §Respacing, §Check values) and building the respaced
 * schedule that DDPM/DDIM then run on. The model is always called with the ORIGINAL timestep.
 */
import { scheduleFromBetas, type NoiseSchedule } from './schedule'

export type Spacing = 'guided' | 'ddim' | 'leading'

/**
 * Python's round() on the exact rational num/den (den > 0): nearest integer, ties to even.
 * Done in integers so that ties like 999/2 = 499.5 are detected exactly, not via floating point.
 */
function roundHalfEvenRational(num: number, den: number): number {
  const q = Math.floor(num / den)
  const rem2 = 2 * (num - q * den) // compare remainder with den/2 without fractions
  if (rem2 < den) return q
  if (rem2 > den) return q + 1
  return q % 2 === 0 ? q : q + 1
}

function assertCount(count: number, T: number): void {
  if (!Number.isInteger(count) || count < 1) {
    throw new Error(`number of sampling steps must be a positive integer, got ${String(count)}`)
  }
  if (count > T) throw new Error(`cannot take ${count} sampling steps from ${T} diffusion steps`)
}

/** guided-diffusion count spacing: N steps evenly over [0, T-1], both ends, round-half-even. */
export function guidedTimesteps(count: number, T: number): Int32Array {
  assertCount(count, T)
  if (count === 1) return Int32Array.of(0)
  const out = new Int32Array(count)
  for (let j = 0; j < count; j++) out[j] = roundHalfEvenRational(j * (T - 1), count - 1)
  return out
}

/** guided-diffusion "ddimN": the integer stride k with |range(0, T, k)| = N. */
export function ddimStrideTimesteps(count: number, T: number): Int32Array {
  assertCount(count, T)
  for (let stride = 1; stride < T; stride++) {
    if (Math.ceil(T / stride) === count) {
      return Int32Array.from({ length: count }, (_, j) => j * stride)
    }
  }
  throw new Error(`no integer stride gives exactly ${count} steps out of ${T} ("ddim${count}")`)
}

/** diffusers "leading" spacing: { j*(T div N) + offset }, returned ascending. */
export function leadingTimesteps(count: number, T: number, stepsOffset = 1): Int32Array {
  assertCount(count, T)
  const ratio = Math.floor(T / count)
  const out = Int32Array.from({ length: count }, (_, j) => j * ratio + stepsOffset)
  if (out[count - 1] >= T) throw new Error(`leading spacing with offset ${stepsOffset} passes T=${T}`)
  return out
}

/** Kept timesteps (ascending) for a spacing rule. */
export function spacedTimesteps(spacing: Spacing, count: number, T: number): Int32Array {
  switch (spacing) {
    case 'guided':
      return guidedTimesteps(count, T)
    case 'ddim':
      return ddimStrideTimesteps(count, T)
    case 'leading':
      return leadingTimesteps(count, T)
    default:
      throw new Error(`unknown timestep spacing "${String(spacing)}"; expected guided, ddim or leading`)
  }
}

/**
 * Parses a guided-diffusion style spec: "100" (count) or "ddim50" (stride).
 */
export function parseTimestepSpec(spec: string, T: number): Int32Array {
  const ddim = /^ddim(\d+)$/.exec(spec)
  if (ddim) return ddimStrideTimesteps(Number(ddim[1]), T)
  if (/^\d+$/.test(spec)) return guidedTimesteps(Number(spec), T)
  throw new Error(`bad timestep spec "${spec}"; expected a count like "100" or "ddim50"`)
}

/**
 * The schedule restricted to the kept timesteps: ᾱ'_j = ᾱ_{s_j} and β'_j = 1 - ᾱ'_j/ᾱ'_{j-1}
 * with ᾱ'_{-1} = 1. `timesteps` of the result map each index back to the original step.
 */
export function respaceSchedule(base: NoiseSchedule, kept: Int32Array): NoiseSchedule {
  if (kept.length === 0) throw new Error('respacing needs at least one kept timestep')
  const betas = new Float64Array(kept.length)
  const original = new Int32Array(kept.length)
  let prevAb = 1
  let prevT = -1
  for (let j = 0; j < kept.length; j++) {
    const t = kept[j]
    if (t <= prevT || t >= base.T) {
      throw new Error(`kept timesteps must be strictly increasing within [0, ${base.T - 1}]`)
    }
    const ab = base.alphasCumprod[t]
    betas[j] = 1 - ab / prevAb
    original[j] = base.timesteps[t]
    prevAb = ab
    prevT = t
  }
  return scheduleFromBetas(base.kind, betas, original)
}
