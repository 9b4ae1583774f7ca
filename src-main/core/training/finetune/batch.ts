// One fine-tuning batch on plain arrays. PopAlign and Diffusion-DPO stack P pairs as 2P samples,
// winners first then losers (docs/methods/diffusion-dpo.md §Code form): a pair's two images share one noise draw, one
// timestep and one caption-dropout decision. SFT draws winners only, each with its own noise and
// timestep, as plain diffusion training does. The draw order (data, timesteps, dropout, noise) is
// fixed because a resumed run replays it from the checkpointed RNG. The noise stays Box-Muller
// (`fillNormal`), unlike base training's ziggurat: a fine-tune step draws only a few thousand normals,
// and the presets were judged by the quality check on this stream (docs/quality.md).
import { qSample } from '../../engine/diffusion/forward'
import type { NoiseSchedule } from '../../engine/diffusion/schedule'
import { patchDim, patchify, timeFeatures, tokenCount, type DiTConfig } from '../../engine/model/dit-spec'
import type { Rng } from '../../random/rng'
import type { PreparedBatch } from '../../engine/train/batch'
import type { PreferenceData } from './data'
import type { FinetuneMethod } from './spec'

export interface PreferenceBatch extends PreparedBatch {
  /** Population label per sample: +1 winner, -1 loser. */
  labels: Float64Array
  /** Which samples had their caption replaced by <null>. */
  dropped: Uint8Array
}

export interface BatchSettings {
  method: FinetuneMethod
  /** Samples per step (2P for the paired methods, so it must be even there). */
  batchSize: number
  condDropout: number
  model: DiTConfig
  schedule: NoiseSchedule
  /** w(t) per schedule index (constant or debias 1/sqrt(SNR)). */
  weightTable: Float64Array
}

export function drawPreferenceBatch(data: PreferenceData, s: BatchSettings, rng: Rng): PreferenceBatch {
  const B = s.batchSize
  const paired = s.method !== 'sft'
  if (paired && B % 2 !== 0) throw new Error(`fine-tune: ${s.method} stacks winner/loser pairs, so the batch must be even, got ${B}`)
  const groups = paired ? B / 2 : B
  // Image index per sample; for pairs sample p is the winner and p + P its loser.
  const index = new Int32Array(B)
  const labels = new Float64Array(B)
  for (let g = 0; g < groups; g++) {
    if (paired) {
      const [w, l] = data.pairs[rng.int(data.pairs.length)]
      index[g] = w
      index[g + groups] = l
      labels[g] = 1
      labels[g + groups] = -1
    } else {
      index[g] = data.winners[rng.int(data.winners.length)]
      labels[g] = 1
    }
  }
  const groupT = new Int32Array(groups)
  for (let g = 0; g < groups; g++) groupT[g] = rng.int(s.schedule.T)
  const groupDrop = new Uint8Array(groups)
  for (let g = 0; g < groups; g++) groupDrop[g] = rng.uniform() < s.condDropout ? 1 : 0
  const sample = tokenCount(s.model) * patchDim(s.model)
  const groupEps = rng.fillNormal(new Float32Array(groups * sample))

  const m = s.model
  const V = m.vocabSize
  const imageSize = m.imageSize * m.imageSize * m.channels
  const images = new Float32Array(B * imageSize)
  const cond = new Float32Array(B * V)
  const eps = new Float32Array(B * sample)
  const t = new Int32Array(B)
  const dropped = new Uint8Array(B)
  for (let i = 0; i < B; i++) {
    const g = i % groups
    images.set(data.images[index[i]].pixels, i * imageSize)
    eps.set(groupEps.subarray(g * sample, (g + 1) * sample), i * sample)
    t[i] = groupT[g]
    dropped[i] = groupDrop[g]
    if (dropped[i])
      cond[i * V] = 1 // <null>
    else cond.set(data.cond[index[i]], i * V)
  }
  const xt = qSample(s.schedule, patchify(images, B, m), eps, t, sample)
  const weights = new Float32Array(B)
  for (let i = 0; i < B; i++) weights[i] = s.weightTable[t[i]]
  return {
    batchSize: B,
    t,
    xt,
    eps,
    tfeat: timeFeatures(
      Array.from(t, (j) => s.schedule.timesteps[j]),
      m.timeFeatures
    ),
    cond,
    weights,
    labels,
    dropped
  }
}
