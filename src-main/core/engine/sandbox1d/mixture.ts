/**
 * The 1-D three-Gaussian model of the paper's §5 (docs/methods/sandbox1d.md §Model):
 *   p_θ(x) = Σ_k π_k N(x; μ_k, σ_k²),  π = softmax(a),  σ = exp(s).
 * Parameters live in one flat Float64Array θ = [a1..aK, μ1..μK, s1..sK] so that the optimiser and
 * the gradient checks treat them as one vector (the order of the gradient values in docs/methods/sandbox1d.md §Check values).
 */

export const K = 3

export interface MixtureSummary {
  /** Mixture weights π = softmax(a). */
  readonly weights: number[]
  readonly means: number[]
  readonly stds: number[]
}

const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI)

/** The paper's reference: a = (1, 0, -1), μ = (-7, 0, 7), σ = 1. */
export function referenceParams(): Float64Array {
  return Float64Array.of(1, 0, -1, -7, 0, 7, 0, 0, 0)
}

export function makeParams(logits: readonly number[], means: readonly number[], stds: readonly number[]): Float64Array {
  if (logits.length !== K || means.length !== K || stds.length !== K) {
    throw new Error(`a mixture needs exactly ${K} logits, means and stds`)
  }
  if (!stds.every((s) => s > 0 && Number.isFinite(s))) throw new Error('mixture stds must be positive and finite')
  return Float64Array.of(...logits, ...means, ...stds.map(Math.log))
}

export function softmax(logits: ArrayLike<number>): number[] {
  let max = -Infinity
  for (let k = 0; k < logits.length; k++) max = Math.max(max, logits[k])
  const e = Array.from({ length: logits.length }, (_, k) => Math.exp(logits[k] - max))
  const sum = e.reduce((s, v) => s + v, 0)
  return e.map((v) => v / sum)
}

export function summarise(theta: Float64Array): MixtureSummary {
  return {
    weights: softmax(theta.subarray(0, K)),
    means: Array.from(theta.subarray(K, 2 * K)),
    stds: Array.from(theta.subarray(2 * K, 3 * K), Math.exp)
  }
}

/**
 * Per-θ constants (log π_k − log σ_k, 1/σ_k) computed once, so evaluating many points costs only
 * K exponentials each; the likelihood variant evaluates ~10^6 points per run.
 */
export class MixtureEvaluator {
  private readonly offset = new Float64Array(K)
  private readonly invStd = new Float64Array(K)
  private readonly pi: number[]
  private readonly terms = new Float64Array(K)

  constructor(private readonly theta: Float64Array) {
    this.pi = softmax(theta.subarray(0, K))
    for (let k = 0; k < K; k++) {
      const s = theta[2 * K + k]
      this.offset[k] = Math.log(this.pi[k]) - s
      this.invStd[k] = Math.exp(-s)
    }
  }

  /** Fills this.terms with log π_k − s_k − z_k²/2 and returns their logsumexp. */
  private logTerms(x: number): number {
    let max = -Infinity
    for (let k = 0; k < K; k++) {
      const z = (x - this.theta[K + k]) * this.invStd[k]
      const v = this.offset[k] - 0.5 * z * z
      this.terms[k] = v
      if (v > max) max = v
    }
    if (max === -Infinity) return -Infinity
    let sum = 0
    for (let k = 0; k < K; k++) sum += Math.exp(this.terms[k] - max)
    return max + Math.log(sum)
  }

  /** log p_θ(x), exact. */
  logDensity(x: number): number {
    return this.logTerms(x) - LOG_SQRT_2PI
  }

  /**
   * Adds scale·∂ log p_θ(x)/∂θ into `out` (docs/methods/sandbox1d.md §Model): with responsibilities ρ_k,
   * ∂/∂a_j = ρ_j − π_j, ∂/∂μ_k = ρ_k (x−μ_k)/σ_k², ∂/∂s_k = ρ_k ((x−μ_k)²/σ_k² − 1).
   */
  addLogDensityGrad(x: number, scale: number, out: Float64Array): void {
    const lse = this.logTerms(x)
    for (let k = 0; k < K; k++) {
      const rho = Math.exp(this.terms[k] - lse)
      const z = (x - this.theta[K + k]) * this.invStd[k]
      out[k] += scale * (rho - this.pi[k])
      out[K + k] += scale * rho * z * this.invStd[k]
      out[2 * K + k] += scale * rho * (z * z - 1)
    }
  }
}

/** log p_θ(x) for a single point (convenience; use MixtureEvaluator for many points). */
export function logDensity(theta: Float64Array, x: number): number {
  return new MixtureEvaluator(theta).logDensity(x)
}

/** Densities p_θ(x) on an evenly spaced grid [lo, hi] with `points` values (for plots). */
export function densityOnGrid(theta: Float64Array, lo: number, hi: number, points: number): { x: Float64Array; p: Float64Array } {
  if (!(hi > lo) || !Number.isInteger(points) || points < 2) {
    throw new Error('density grid needs hi > lo and an integer number of points >= 2')
  }
  const x = new Float64Array(points)
  const p = new Float64Array(points)
  const mix = new MixtureEvaluator(theta)
  for (let i = 0; i < points; i++) {
    x[i] = lo + ((hi - lo) * i) / (points - 1)
    p[i] = Math.exp(mix.logDensity(x[i]))
  }
  return { x, p }
}
