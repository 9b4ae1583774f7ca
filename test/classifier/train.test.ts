import { describe, expect, it } from 'vitest'
import { trainWorldClassifier } from '../../src-main/core/classifier/train'

describe('classifier training', () => {
  it('lowers the loss on a short run of a tiny network', async () => {
    const r = await trainWorldClassifier({
      seed: 3,
      trainImages: 600,
      steps: 100,
      batchSize: 32,
      logEvery: 10,
      learningRate: 5e-3,
      architecture: { imageSize: 16, channels: 3, hidden: 32, features: 16 }
    })
    const losses = r.log.filter((l) => l.startsWith('step')).map((l) => Number(/loss ([\d.]+)/.exec(l)![1]))
    expect(losses.length).toBe(11)
    // Mean of the last three logged batches against the first batch: noise-robust, still a clear drop.
    const tail = losses.slice(-3).reduce((a, b) => a + b, 0) / 3
    expect(tail).toBeLessThan(losses[0] * 0.6)
    expect(r.weights['trunk.w1'].length).toBe(768 * 32)
  })

  it('rejects bad options with the option named', async () => {
    await expect(trainWorldClassifier({ steps: -1 })).rejects.toThrow(/steps must be a positive number/)
  })
})
