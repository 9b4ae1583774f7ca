/**
 * Diffusion-DPO in the reference-code form (docs/methods/diffusion-dpo.md §Code form):
 *   u_p = -0.5·β·((m_w - m_l) - (r_w - r_l)),   loss = mean_p softplus(-u_p),
 *   ∂loss/∂m_w = +0.5·β·σ(-u)/P,   ∂loss/∂m_l = -0.5·β·σ(-u)/P.
 * Winner and loser of a pair must have been noised with the same ε and t.
 */
import { sigmoid, softplus } from './numerics'
import type { PreferenceLossResult } from './types'
import { assertFiniteArray, assertNonEmpty, assertPositive, type Numbers } from './validate'

export interface DpoPairs {
  readonly modelWin: Numbers
  readonly modelLose: Numbers
  readonly refWin: Numbers
  readonly refLose: Numbers
  /** β_dpo (reference: 5000; diffusers SD1.5 LoRA port: 2500). */
  readonly beta: number
}

export interface DpoResult extends PreferenceLossResult {
  /** ∂loss/∂m_w per pair. */
  readonly gradWin: Float64Array
  /** ∂loss/∂m_l per pair (the negative of gradWin). */
  readonly gradLose: Float64Array
  /** The logistic argument per pair. */
  readonly u: Float64Array
}

export function dpoLoss(o: DpoPairs): DpoResult {
  const P = o.modelWin.length
  assertNonEmpty('modelWin', o.modelWin)
  assertFiniteArray('modelWin', o.modelWin)
  assertFiniteArray('modelLose', o.modelLose, P)
  assertFiniteArray('refWin', o.refWin, P)
  assertFiniteArray('refLose', o.refLose, P)
  assertPositive('beta', o.beta)
  const u = new Float64Array(P)
  const gradWin = new Float64Array(P)
  const gradLose = new Float64Array(P)
  let loss = 0
  let correct = 0
  let margin = 0
  for (let p = 0; p < P; p++) {
    u[p] = -0.5 * o.beta * (o.modelWin[p] - o.modelLose[p] - (o.refWin[p] - o.refLose[p]))
    loss += softplus(-u[p])
    const s = (0.5 * o.beta * sigmoid(-u[p])) / P
    gradWin[p] = s
    gradLose[p] = -s
    correct += u[p] > 0 ? 1 : u[p] === 0 ? 0.5 : 0
    margin += u[p]
  }
  const grad = new Float64Array(2 * P)
  grad.set(gradWin, 0)
  grad.set(gradLose, P)
  return {
    loss: loss / P,
    grad,
    gradWin,
    gradLose,
    u,
    // u is exactly the winner's implicit reward minus the loser's, 0.5·β·(g_w - g_l).
    metrics: { implicitAccuracy: correct / P, rewardMargin: margin / P }
  }
}

/**
 * The same loss on a stacked batch of 2P samples, winners first then losers (the layout the
 * reference code and the trainer use); `grad` is in that same order.
 */
export function dpoLossStacked(modelMse: Numbers, refMse: Numbers, beta: number): DpoResult {
  const n = modelMse.length
  if (n === 0 || n % 2 !== 0) {
    throw new Error(`a stacked DPO batch needs an even, non-zero number of samples, got ${n}`)
  }
  assertFiniteArray('refMse', refMse, n)
  const m = Array.from(modelMse)
  const r = Array.from(refMse)
  const P = n / 2
  return dpoLoss({
    modelWin: m.slice(0, P),
    modelLose: m.slice(P),
    refWin: r.slice(0, P),
    refLose: r.slice(P),
    beta
  })
}
