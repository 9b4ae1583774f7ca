// A few hundred steps of a tiny DiT on the toy data set lower the diffusion loss clearly.
import { describe, expect, it } from 'vitest'
import { loadTf } from '../../../src-main/core/engine/tf/backend'
import { Trainer } from '../../../src-main/core/engine/train/trainer'
import { parseTrainConfig } from '../../../src-main/core/engine/train/config'
import { toyDataSource } from '../../../src-main/core/engine/train/toy-source'

import { tinyModel } from './tiny'

describe('training', () => {
  it('lowers the loss of a tiny DiT on toy data', async () => {
    const { tf } = await loadTf({ preferWasm: true })
    const config = parseTrainConfig({ model: tinyModel, batchSize: 16, learningRate: 2e-3, steps: 250, seed: 11 })
    const trainer = new Trainer(tf, config, toyDataSource(tinyModel))
    const t0 = performance.now()
    while (!trainer.done) trainer.trainStep()
    const ms = performance.now() - t0
    const mean = (a: number[]): number => a.reduce((s, v) => s + v, 0) / a.length
    const first = mean(trainer.losses.slice(0, 20))
    const last = mean(trainer.losses.slice(-50))
    console.log(`250 steps in ${ms.toFixed(0)} ms; loss ${first.toFixed(4)} -> ${last.toFixed(4)}; tensors alive ${tf.memory().numTensors}`)
    expect(trainer.step).toBe(250)
    expect(first).toBeGreaterThan(0.6)
    expect(last).toBeLessThan(0.6 * first)
    trainer.dispose()
  })
})
