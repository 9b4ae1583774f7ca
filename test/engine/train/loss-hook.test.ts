// The custom-loss hook that DPO/PopAlign fine-tuning uses: per-sample MSEs of the policy and of a
// frozen reference copy on the same batch, and backprop of sum_i g_i * mse_i.
import { describe, expect, it } from 'vitest'
import { loadTf } from '../../../src-main/core/engine/tf/backend'
import { DiTModel } from '../../../src-main/core/engine/model/dit-tf'
import { parseTrainConfig } from '../../../src-main/core/engine/train/config'
import { perSampleMse, Trainer, weightedMeanLoss, type LossHook } from '../../../src-main/core/engine/train/trainer'
import { toyDataSource } from '../../../src-main/core/engine/train/toy-source'
import { tinyModel } from './tiny'

describe('loss hook', () => {
  it('a hook equal to the default loss gives identical updates; a frozen reference starts equal and stays put', async () => {
    const { tf } = await loadTf({ preferWasm: true })
    const config = parseTrainConfig({ model: tinyModel, batchSize: 6, learningRate: 1e-3, steps: 10, seed: 9, weighting: 'min_snr' })
    const a = new Trainer(tf, config, toyDataSource(tinyModel))
    const b = new Trainer(tf, config, toyDataSource(tinyModel))
    const reference = new DiTModel(tf, tinyModel, a.model.exportParams(), false)
    // The same objective written the way a fine-tuning loss would: sum_i g_i * mse_i with g_i = w_i / B.
    const manual: LossHook = (mse, batch, tfx) => {
      const g = Float32Array.from(batch.weights, (w) => w / batch.batchSize)
      return tfx.sum(tfx.mul(mse, tfx.tensor1d(g)))
    }
    const batchA = a.nextBatch()
    const batchB = b.nextBatch()
    expect(batchB.eps).toEqual(batchA.eps)
    const refMse = tf.tidy(() => perSampleMse(tf, reference, batchA).dataSync())
    const polMse = tf.tidy(() => perSampleMse(tf, a.model, batchA).dataSync())
    expect(Array.from(polMse)).toEqual(Array.from(refMse))
    const la = a.stepOnBatch(batchA, weightedMeanLoss)
    const lb = b.stepOnBatch(batchB, manual)
    expect(lb).toBeCloseTo(la, 6)
    const pa = a.model.exportParams()
    const pb = b.model.exportParams()
    let maxDiff = 0
    for (const name of Object.keys(pa)) for (let i = 0; i < pa[name].length; i++) maxDiff = Math.max(maxDiff, Math.abs(pa[name][i] - pb[name][i]))
    expect(maxDiff).toBeLessThan(1e-6)
    // The policy moved, the frozen reference did not.
    const refAfter = tf.tidy(() => perSampleMse(tf, reference, batchA).dataSync())
    expect(Array.from(refAfter)).toEqual(Array.from(refMse))
    const polAfter = tf.tidy(() => perSampleMse(tf, a.model, batchA).dataSync())
    expect(Array.from(polAfter)).not.toEqual(Array.from(refMse))
    a.dispose()
    b.dispose()
    reference.dispose()
  })
})
