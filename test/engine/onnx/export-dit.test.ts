import { describe, expect, it } from 'vitest'
import { exportDiTOnnx } from '../../../src-main/core/engine/onnx/export-dit'
import { OrtRunner } from '../../../src-main/core/engine/onnx/ort-runner'
import { ditReferenceForward } from '../../../src-main/core/engine/model/dit-reference'
import { patchDim, tokenCount, type DiTConfig } from '../../../src-main/core/engine/model/dit-spec'
import { maxRelError, randomInputs, randomParams, smallConfig } from './helpers'

async function onnxForward(config: DiTConfig, params: Record<string, Float32Array>, batch: number, seed: number, optimization?: 'basic') {
  const runner = await OrtRunner.fromBytes(exportDiTOnnx(config, params), { optimization })
  const { xp, tfeat, cond } = randomInputs(config, batch, seed)
  const T = tokenCount(config)
  const P = patchDim(config)
  const out = await runner.run({
    xp: { data: xp, dims: [batch, T, P] },
    tfeat: { data: tfeat, dims: [batch, config.timeFeatures] },
    cond: { data: cond, dims: [batch, config.vocabSize] }
  })
  await runner.dispose()
  return { eps: out.eps, reference: ditReferenceForward(config, params, xp, tfeat, cond, batch) }
}

describe('DiT ONNX export', () => {
  it('matches the float64 reference forward to 1e-4 relative', async () => {
    const params = randomParams(smallConfig, 1)
    const { eps, reference } = await onnxForward(smallConfig, params, 3, 2)
    expect(eps.dims).toEqual([3, tokenCount(smallConfig), patchDim(smallConfig)])
    const err = maxRelError(eps.data, reference)
    expect(err).toBeLessThan(1e-4)
    // The output must actually depend on the weights (guards against a vacuous comparison).
    const spread = reference.reduce((m, v) => Math.max(m, Math.abs(v)), 0)
    expect(spread).toBeGreaterThan(0.1)
  })

  it('matches the reference on a second shape (4 heads, depth 3, patch 4, one channel)', async () => {
    const config: DiTConfig = { ...smallConfig, channels: 1, patch: 4, imageSize: 16, width: 24, heads: 4, depth: 3, mlpRatio: 3, timeFeatures: 6, vocabSize: 4 }
    const { eps, reference } = await onnxForward(config, randomParams(config, 5), 2, 6)
    expect(maxRelError(eps.data, reference)).toBeLessThan(1e-4)
  })

  it('gives the same result under the basic optimisation level (the documented fallback)', async () => {
    const { eps, reference } = await onnxForward(smallConfig, randomParams(smallConfig, 8), 2, 9, 'basic')
    expect(maxRelError(eps.data, reference)).toBeLessThan(1e-4)
  })

  it('detects a wrong weight (the comparison is sensitive)', async () => {
    const params = randomParams(smallConfig, 1)
    const runner = await OrtRunner.fromBytes(exportDiTOnnx(smallConfig, params))
    const { xp, tfeat, cond } = randomInputs(smallConfig, 2, 3)
    const perturbed = { ...params, 'blocks.1.qkv.w': params['blocks.1.qkv.w'].map((v, i) => (i === 7 ? v + 0.5 : v)) }
    const reference = ditReferenceForward(smallConfig, perturbed, xp, tfeat, cond, 2)
    const out = await runner.run({
      xp: { data: xp, dims: [2, tokenCount(smallConfig), patchDim(smallConfig)] },
      tfeat: { data: tfeat, dims: [2, smallConfig.timeFeatures] },
      cond: { data: cond, dims: [2, smallConfig.vocabSize] }
    })
    expect(maxRelError(out.eps.data, reference)).toBeGreaterThan(1e-3)
  })

  it('rejects missing, extra or mis-sized parameters with the tensor name', () => {
    const params = randomParams(smallConfig, 1)
    const { ['final.b']: _dropped, ...missing } = params
    expect(() => exportDiTOnnx(smallConfig, missing)).toThrow(/missing tensor final\.b/)
    expect(() => exportDiTOnnx(smallConfig, { ...params, extra: new Float32Array(1) })).toThrow(/unexpected tensor extra/)
    expect(() => exportDiTOnnx(smallConfig, { ...params, pos: new Float32Array(3) })).toThrow(/pos has 3 values/)
    expect(() => exportDiTOnnx({ ...smallConfig, heads: 3 }, params)).toThrow(/heads 3 does not divide/)
    const diverged = { ...params, 't.b2': params['t.b2'].map((v, i) => (i === 4 ? NaN : v)) }
    expect(() => exportDiTOnnx(smallConfig, diverged)).toThrow(/t\.b2 holds a non-finite value \(NaN\) at index 4/)
  })
})
