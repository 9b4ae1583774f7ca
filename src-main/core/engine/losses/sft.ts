/**
 * SFT baseline (docs/methods/popalign.md §SFT baseline): plain ε-MSE on winners only, no reference, no β.
 * 'batch' is the reference-code form mean_i(m_i·ℓ_i) over the whole batch (losers count in the
 * denominator but contribute 0); 'winners' is the mean over winners.
 */
import type { PreferenceLossResult } from './types'
import { assertFiniteArray, assertNonEmpty, type Numbers } from './validate'

export type SftNormalisation = 'batch' | 'winners'

export function sftLoss(modelMse: Numbers, labels: Numbers, normalisation: SftNormalisation = 'batch'): PreferenceLossResult {
  const n = modelMse.length
  assertNonEmpty('modelMse', modelMse)
  assertFiniteArray('modelMse', modelMse)
  assertFiniteArray('labels', labels, n)
  let winners = 0
  for (let i = 0; i < n; i++) {
    if (labels[i] !== 1 && labels[i] !== -1) {
      throw new Error(`labels[${i}] is ${labels[i]}; labels must be +1 (winner) or -1 (loser)`)
    }
    if (labels[i] === 1) winners++
  }
  if (normalisation !== 'batch' && normalisation !== 'winners') {
    throw new Error(`unknown SFT normalisation "${String(normalisation)}"; expected batch or winners`)
  }
  const den = normalisation === 'batch' ? n : winners
  const grad = new Float64Array(n)
  let loss = 0
  if (den > 0) {
    for (let i = 0; i < n; i++) {
      if (labels[i] === 1) {
        loss += modelMse[i]
        grad[i] = 1 / den
      }
    }
    loss /= den
  }
  return { loss, grad, metrics: { implicitAccuracy: Number.NaN, rewardMargin: Number.NaN } }
}
