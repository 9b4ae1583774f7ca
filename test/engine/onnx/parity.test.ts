// The parity check: the tfjs DiT (training backend) and the exported ONNX graph (sampling
// backend) must compute the same eps on random inputs, to 1e-4 relative.
import { beforeAll, describe, expect, it } from 'vitest'
import { loadTf, type Tf } from '../../../src-main/core/engine/tf/backend'
import { createTfjsDenoiser, tfjsForward } from '../../../src-main/core/engine/model/dit-tf'
import { OrtDenoiser } from '../../../src-main/core/engine/onnx/ort-denoiser'
import { benchParams } from '../../../src-main/core/evaluation/onnx-bench'
import { defaultDiTConfig, timeFeatures, type DiTConfig } from '../../../src-main/core/engine/model/dit-spec'
import { maxRelError, randomInputs, randomParams, smallConfig } from './helpers'

let tf: Tf
beforeAll(async () => {
  tf = (await loadTf({ preferWasm: true })).tf
})

async function compare(config: DiTConfig, params: Record<string, Float32Array>, batch: number, seed: number) {
  const { xp, cond } = randomInputs(config, batch, seed)
  const steps = Array.from({ length: batch }, (_, i) => (i * 397 + seed) % 1000)
  const tfeat = timeFeatures(steps, config.timeFeatures)
  const ort = await OrtDenoiser.fromParams(config, params)
  const onnx = await ort.denoise(xp, steps, cond, batch)
  await ort.dispose()
  const tfjs = createTfjsDenoiser(tf, config, params)
  const viaTf = tfjs.forward(xp, tfeat, cond, batch)
  tfjs.dispose()
  return { onnx, viaTf, xp, tfeat, cond }
}

describe('tfjs vs ONNX parity', () => {
  it('agrees to 1e-4 relative on a small config with every parameter random', async () => {
    const { onnx, viaTf } = await compare(smallConfig, randomParams(smallConfig, 21), 3, 5)
    const err = maxRelError(viaTf, onnx)
    console.log(`parity max relative error: ${err.toExponential(2)}`)
    expect(err).toBeLessThan(1e-4)
  })

  it('agrees to 1e-4 relative on the default config (the shipped model size)', async () => {
    const { onnx, viaTf } = await compare(defaultDiTConfig, benchParams(defaultDiTConfig, 22), 4, 9)
    expect(onnx.length).toBe(4 * 64 * 12)
    const err = maxRelError(viaTf, onnx)
    console.log(`parity max relative error: ${err.toExponential(2)}`)
    expect(err).toBeLessThan(1e-4)
  })

  it('tfjsForward (the one-shot helper) agrees too, and a changed weight breaks agreement', async () => {
    const params = randomParams(smallConfig, 23)
    const { onnx, xp, tfeat, cond } = await compare(smallConfig, params, 2, 7)
    expect(maxRelError(await tfjsForward(smallConfig, params, xp, tfeat, cond, 2), onnx)).toBeLessThan(1e-4)
    const changed = { ...params, 'final.b': params['final.b'].map((v) => v + 0.05) }
    expect(maxRelError(await tfjsForward(smallConfig, changed, xp, tfeat, cond, 2), onnx)).toBeGreaterThan(1e-3)
  })
})
