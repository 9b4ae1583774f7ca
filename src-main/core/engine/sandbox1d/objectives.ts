/**
 * Loss and gradient of the 1-D toy for one batch, in its two variants (docs/methods/sandbox1d.md §Variants):
 * - 'diffusion': per-sample ε-MSEs of the noised mixture's exact ε-prediction, fed to the same
 *   PopAlign / SFT functions the image trainer uses (the variant that reproduces Fig. 3);
 * - 'likelihood': exact log-likelihood rewards, kept as the comparison that shows G2 collapsing.
 */
import { popalignLoss, sftLoss } from '../losses'
import { MixtureEvaluator } from './mixture'
import { noisedEps } from './noised'

export interface BatchObjective {
  readonly loss: number
  readonly grad: Float64Array
  readonly implicitAccuracy: number
}

export interface PopAlignSettings {
  readonly beta: number
  readonly alpha: number
}

/** Exact-likelihood PopAlign: m_i = −ℓ_θ(x_i), r_i = −ℓ_ref(x_i), so g_i is the reward ℓ_θ − ℓ_ref. */
export function likelihoodPopAlign(theta: Float64Array, reference: Float64Array, x: ArrayLike<number>, labels: ArrayLike<number>, s: PopAlignSettings): BatchObjective {
  const model = new MixtureEvaluator(theta)
  const ref = new MixtureEvaluator(reference)
  const m = Array.from(x, (xi) => -model.logDensity(xi))
  const r = Array.from(x, (xi) => -ref.logDensity(xi))
  const res = popalignLoss({ modelMse: m, refMse: r, labels, beta: s.beta, alpha: s.alpha })
  const grad = new Float64Array(theta.length)
  for (let i = 0; i < x.length; i++) model.addLogDensityGrad(x[i], -res.grad[i], grad)
  return { loss: res.loss, grad, implicitAccuracy: res.metrics.implicitAccuracy }
}

/** Exact-likelihood SFT: −mean over winners of ℓ_θ. */
export function likelihoodSft(theta: Float64Array, x: ArrayLike<number>, labels: ArrayLike<number>): BatchObjective {
  const model = new MixtureEvaluator(theta)
  const m = Array.from(x, (xi) => -model.logDensity(xi))
  const res = sftLoss(m, labels, 'winners')
  const grad = new Float64Array(theta.length)
  for (let i = 0; i < x.length; i++) if (res.grad[i] !== 0) model.addLogDensityGrad(x[i], -res.grad[i], grad)
  return { loss: res.loss, grad, implicitAccuracy: Number.NaN }
}

/** One noised batch: x_t = √ᾱ x0 + √(1−ᾱ) ε per sample. */
export interface NoisedBatch {
  readonly xt: Float64Array
  readonly eps: Float64Array
  readonly ab: Float64Array
  readonly labels: Float64Array
}

/** ∂(ε − ε_θ)²/∂θ = −2(ε − ε_θ)·∂ε_θ/∂θ, accumulated with the loss's per-sample weights. */
function backpropEpsMse(theta: Float64Array, b: NoisedBatch, epsModel: Float64Array, dLdm: Float64Array): Float64Array {
  const grad = new Float64Array(theta.length)
  for (let i = 0; i < b.xt.length; i++) {
    if (dLdm[i] === 0) continue
    noisedEps(theta, b.xt[i], b.ab[i], -2 * (b.eps[i] - epsModel[i]) * dLdm[i], grad)
  }
  return grad
}

function epsErrors(theta: Float64Array, b: NoisedBatch): { pred: Float64Array; mse: Float64Array } {
  const pred = new Float64Array(b.xt.length)
  const mse = new Float64Array(b.xt.length)
  for (let i = 0; i < b.xt.length; i++) {
    pred[i] = noisedEps(theta, b.xt[i], b.ab[i])
    mse[i] = (b.eps[i] - pred[i]) ** 2
  }
  return { pred, mse }
}

/** Diffusion-style PopAlign on a noised batch (reference errors from the frozen reference). */
export function diffusionPopAlign(theta: Float64Array, reference: Float64Array, b: NoisedBatch, s: PopAlignSettings): BatchObjective {
  const model = epsErrors(theta, b)
  const ref = epsErrors(reference, b)
  const res = popalignLoss({ modelMse: model.mse, refMse: ref.mse, labels: b.labels, beta: s.beta, alpha: s.alpha })
  return {
    loss: res.loss,
    grad: backpropEpsMse(theta, b, model.pred, res.grad),
    implicitAccuracy: res.metrics.implicitAccuracy
  }
}

/** Diffusion-style SFT: plain ε-MSE on the winners of the batch. */
export function diffusionSft(theta: Float64Array, b: NoisedBatch): BatchObjective {
  const model = epsErrors(theta, b)
  const res = sftLoss(model.mse, b.labels, 'winners')
  return { loss: res.loss, grad: backpropEpsMse(theta, b, model.pred, res.grad), implicitAccuracy: Number.NaN }
}
