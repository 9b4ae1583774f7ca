/**
 * PopAlign loss in the reference-code form (docs/methods/popalign.md §Loss):
 *   g_i = r_i - m_i,   Z = α·mean_{y=+1} g + (1-α)·mean_{y=-1} g  (stop-grad),
 *   z_i = y_i·β·(g_i - Z),   loss = mean_i w_i·softplus(-z_i),
 *   ∂loss/∂m_i = (1/n)·w_i·σ(-z_i)·y_i·β.
 * m_i and r_i are per-sample mean ε-MSEs of the model and of the frozen reference (optionally
 * already multiplied by a timestep weight such as Debias; the loss does not care).
 */
import { sigmoid, softplus } from './numerics'
import type { PreferenceLossResult, PreferenceMetrics } from './types'
import { assertFiniteArray, assertNonEmpty, assertPositive, type Numbers } from './validate'

export type PopAlignNormalizer = 'mixture' | 'kto'

export interface PopAlignOptions {
  /** Model per-sample MSEs m_i. */
  readonly modelMse: Numbers
  /** Frozen reference per-sample MSEs r_i (same inputs, same noise). */
  readonly refMse: Numbers
  /** Population labels: +1 for a member of the winning set, -1 for the losing set. */
  readonly labels: Numbers
  /** Divergence penalty β (reference script: 5000). */
  readonly beta: number
  /** Mixture weight α of the normaliser (default 0.5). */
  readonly alpha?: number
  /** 'mixture' (default) or the non-default KTO-style Z = max(0, mean g). */
  readonly normalizer?: PopAlignNormalizer
  /**
   * Added to the class counts when averaging (the reference code uses 1e-6). Default 0: exact
   * means, which docs/methods/popalign.md §Check values uses. An empty class then contributes a mean of 0, as in the code.
   */
  readonly countEpsilon?: number
  /** Use this Z instead of the batch estimate (e.g. an all-reduced value, or a gradient check). */
  readonly fixedZ?: number
  /** Per-sample weights λ_d for winners and λ_u for losers (both default 1). */
  readonly winnerWeight?: number
  readonly loserWeight?: number
}

export interface PopAlignMetrics extends PreferenceMetrics {
  /** The normaliser actually used. */
  readonly Z: number
  /** Mean g over winners and over losers. */
  readonly kPos: number
  readonly kNeg: number
  /** The logistic arguments z_i. */
  readonly z: Float64Array
}

function classMean(g: Float64Array, labels: Numbers, sign: number, eps: number): number {
  let sum = 0
  let count = 0
  for (let i = 0; i < g.length; i++) {
    if (labels[i] === sign) {
      sum += g[i]
      count++
    }
  }
  const den = count + eps
  return den > 0 ? sum / den : 0
}

export function popalignLoss(o: PopAlignOptions): PreferenceLossResult<PopAlignMetrics> {
  const n = o.modelMse.length
  assertNonEmpty('modelMse', o.modelMse)
  assertFiniteArray('modelMse', o.modelMse)
  assertFiniteArray('refMse', o.refMse, n)
  assertFiniteArray('labels', o.labels, n)
  for (let i = 0; i < n; i++) {
    if (o.labels[i] !== 1 && o.labels[i] !== -1) {
      throw new Error(`labels[${i}] is ${o.labels[i]}; PopAlign labels must be +1 (winner) or -1 (loser)`)
    }
  }
  assertPositive('beta', o.beta)
  const alpha = o.alpha ?? 0.5
  if (!(alpha >= 0 && alpha <= 1)) throw new Error(`alpha must be in [0, 1], got ${alpha}`)
  const eps = o.countEpsilon ?? 0
  if (!(eps >= 0)) throw new Error(`countEpsilon must be >= 0, got ${eps}`)
  const wWin = o.winnerWeight ?? 1
  const wLose = o.loserWeight ?? 1
  if (!(wWin >= 0) || !(wLose >= 0)) throw new Error('winnerWeight and loserWeight must be >= 0')

  const g = new Float64Array(n)
  for (let i = 0; i < n; i++) g[i] = o.refMse[i] - o.modelMse[i]
  const kPos = classMean(g, o.labels, 1, eps)
  const kNeg = classMean(g, o.labels, -1, eps)
  let Z: number
  if (o.fixedZ !== undefined) {
    if (!Number.isFinite(o.fixedZ)) throw new Error(`fixedZ must be finite, got ${o.fixedZ}`)
    Z = o.fixedZ
  } else if ((o.normalizer ?? 'mixture') === 'mixture') {
    Z = alpha * kPos + (1 - alpha) * kNeg
  } else if (o.normalizer === 'kto') {
    Z = Math.max(0, g.reduce((s, v) => s + v, 0) / n)
  } else {
    throw new Error(`unknown PopAlign normalizer "${String(o.normalizer)}"; expected mixture or kto`)
  }

  const z = new Float64Array(n)
  const grad = new Float64Array(n)
  let loss = 0
  let correct = 0
  for (let i = 0; i < n; i++) {
    const y = o.labels[i]
    const w = y === 1 ? wWin : wLose
    z[i] = y * o.beta * (g[i] - Z)
    loss += w * softplus(-z[i])
    // d softplus(-z)/dz = -σ(-z); dz/dm = -y·β; Z is a constant here.
    grad[i] = (w * sigmoid(-z[i]) * y * o.beta) / n
    correct += z[i] > 0 ? 1 : z[i] === 0 ? 0.5 : 0
  }
  return {
    loss: loss / n,
    grad,
    metrics: {
      implicitAccuracy: correct / n,
      // Implicit reward of an image is β·g_i (how much better than the reference it denoises).
      rewardMargin: o.beta * (kPos - kNeg),
      Z,
      kPos,
      kNeg,
      z
    }
  }
}
