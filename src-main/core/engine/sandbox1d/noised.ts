/**
 * The exact ε-prediction of the parametric mixture after forward noising (docs/methods/sandbox1d.md §Variants,
 * "diffusion-style variant"): the noised mixture has component means √ᾱ·μ_k and variances
 * v_k = ᾱσ_k² + 1 − ᾱ, and ε_θ(x_t) = −√(1−ᾱ)·∂_x log p_{θ,t}(x_t) = √(1−ᾱ)·Σ_k ρ_k (x_t − √ᾱμ_k)/v_k.
 * This makes the toy run through the same ε-MSE code path as the image model.
 */
import { K } from './mixture'

/** ε_θ(x_t) at cumulative ᾱ, and optionally ∂ε_θ/∂θ added (times `scale`) into `grad`. */
export function noisedEps(theta: Float64Array, xt: number, ab: number, scale = 0, grad?: Float64Array): number {
  const sa = Math.sqrt(ab)
  const c = Math.sqrt(1 - ab)
  const logits = new Array<number>(K)
  const f = new Array<number>(K)
  const v = new Array<number>(K)
  let max = -Infinity
  for (let k = 0; k < K; k++) {
    const sigma2 = Math.exp(2 * theta[2 * K + k])
    v[k] = ab * sigma2 + 1 - ab
    const d = xt - sa * theta[K + k]
    f[k] = d / v[k]
    // softmax over a_k + log N_k; the logsumexp of a cancels inside the responsibilities
    logits[k] = theta[k] - 0.5 * Math.log(v[k]) - 0.5 * d * f[k]
    if (logits[k] > max) max = logits[k]
  }
  let sum = 0
  const rho = new Array<number>(K)
  for (let k = 0; k < K; k++) {
    rho[k] = Math.exp(logits[k] - max)
    sum += rho[k]
  }
  let F = 0
  for (let k = 0; k < K; k++) {
    rho[k] /= sum
    F += rho[k] * f[k]
  }
  if (grad && scale !== 0) {
    const g = scale * c
    for (let j = 0; j < K; j++) {
      const spread = rho[j] * (f[j] - F) // Σ_k f_k ∂ρ_k/∂ℓ_j
      grad[j] += g * spread
      grad[K + j] += g * sa * (spread * f[j] - rho[j] / v[j])
      const dv = 2 * ab * Math.exp(2 * theta[2 * K + j])
      grad[2 * K + j] += g * dv * (0.5 * spread * (f[j] * f[j] - 1 / v[j]) - (rho[j] * f[j]) / v[j])
    }
  }
  return c * F
}
