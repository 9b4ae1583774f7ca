// A few hundred steps of a tiny DiT on the toy data set lower the diffusion loss clearly.
import { describe, expect, it } from 'vitest'
import { loadTf } from '../../../src-main/core/engine/tf/backend'
import { Trainer } from '../../../src-main/core/engine/train/trainer'
import { parseTrainConfig } from '../../../src-main/core/engine/train/config'
import { toyDataSource } from '../../../src-main/core/engine/train/toy-source'

export const tinyModel = { imageSize: 8, channels: 3, patch: 2, width: 32, depth: 2, heads: 2, mlpRatio: 2, timeFeatures: 16, vocabSize: 6 }

describe('training', () => {
  it('lowers the loss of a tiny DiT on toy data', async () => {
    const { tf } = await loadTf({ preferWasm: true })
    const config = parseTrainConfig({ model: tinyModel, batchSize: 32, learningRate: 2e-3, steps: 300, seed: 11 })
    const trainer = new Trainer(tf, config, toyDataSource(tinyModel))
    const t0 = performance.now()
    while (!trainer.done) trainer.trainStep()
    const ms = performance.now() - t0
    const mean = (a: number[]): number => a.reduce((s, v) => s + v, 0) / a.length
    const first = mean(trainer.losses.slice(0, 20))
    const last = mean(trainer.losses.slice(-50))
    console.log(`300 steps in ${ms.toFixed(0)} ms; loss ${first.toFixed(4)} -> ${last.toFixed(4)}; tensors alive ${tf.memory().numTensors}`)
    expect(trainer.step).toBe(300)
    expect(first).toBeGreaterThan(0.6)
    expect(last).toBeLessThan(0.6 * first)
    trainer.dispose()
  })
})
