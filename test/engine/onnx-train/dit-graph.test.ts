// The whole DiT training graph: its forward against the float64 reference, its gradients against the
// tfjs engine's (float32, <= 1e-4) and against central differences (float64 graph), and the fine-tune
// loss heads against engine/losses.
import { describe, expect, it } from 'vitest'
import { loadTf } from '../../../src-main/core/engine/tf/backend'
import { DiTModel } from '../../../src-main/core/engine/model/dit-tf'
import { ditReferenceForward } from '../../../src-main/core/engine/model/dit-reference'
import { ditParameters, patchDim, tokenCount } from '../../../src-main/core/engine/model/dit-spec'
import { perSampleMse, weightedMeanLoss } from '../../../src-main/core/engine/train/trainer'
import type { PreparedBatch } from '../../../src-main/core/engine/train/batch'
import { buildTrainingGraph } from '../../../src-main/core/engine/onnx-train/dit-graph'
import { FOLD_BIAS_MIN_ROWS } from '../../../src-main/core/engine/onnx-train/autodiff'
import { OrtGradSession, type GraphBatch } from '../../../src-main/core/engine/onnx-train/grad-session'
import { evaluateObjective } from '../../../src-main/core/training/finetune/objective'
import { seededRandom } from '../../../src-main/core/random/rng'
import { gaussian, maxRelError, randomInputs, randomParams, smallConfig } from '../onnx/helpers'
import { centralDifference, run, session } from './check'

const B = 4

function makeBatch(seed: number): GraphBatch & { weights: Float32Array } {
  const { xp, tfeat, cond } = randomInputs(smallConfig, B, seed)
  const r = seededRandom(seed + 100)
  const eps = Float32Array.from(xp, () => gaussian(r))
  const weights = Float32Array.from({ length: B }, () => 0.5 + r())
  return { xp, tfeat, cond, eps, weights }
}

function prepared(b: ReturnType<typeof makeBatch>): PreparedBatch {
  return { batchSize: B, t: new Int32Array(B), xt: b.xp, eps: b.eps, tfeat: b.tfeat, cond: b.cond, weights: b.weights }
}

describe('DiT training graph on onnxruntime', () => {
  it('per-sample errors match the float64 reference forward', async () => {
    const params = randomParams(smallConfig, 3)
    const b = makeBatch(4)
    const s = await OrtGradSession.create(smallConfig, B, { kind: 'linear' }, { threads: 1 })
    const out = await s.run(params, b, { coef: new Float32Array(B).fill(1 / B) })
    await s.dispose()
    const ref = ditReferenceForward(smallConfig, params, b.xp, b.tfeat, b.cond, B)
    const n = tokenCount(smallConfig) * patchDim(smallConfig)
    const mse = Array.from({ length: B }, (_, i) => {
      let acc = 0
      for (let k = 0; k < n; k++) acc += (ref[i * n + k] - b.eps[i * n + k]) ** 2
      return acc / n
    })
    expect(maxRelError(out.mse, mse)).toBeLessThan(1e-5)
    expect(out.loss).toBeCloseTo(mse.reduce((a, v) => a + v, 0) / B, 4)
  })

  /** Graph feeds for a batch: the parameters and the batch, in the graph's precision. */
  function graphFeeds(
    params: Record<string, Float32Array>,
    b: ReturnType<typeof makeBatch>,
    precision: 'float32' | 'float64'
  ): Record<string, { data: Float32Array | Float64Array; dims: readonly number[] }> {
    const cast = (a: Float32Array) => (precision === 'float64' ? Float64Array.from(a) : a.slice())
    const feeds: Record<string, { data: Float32Array | Float64Array; dims: readonly number[] }> = {}
    for (const spec of ditParameters(smallConfig)) feeds[spec.name] = { data: cast(params[spec.name]), dims: spec.shape }
    const T = tokenCount(smallConfig)
    const P = patchDim(smallConfig)
    feeds.xp = { data: cast(b.xp), dims: [B, T, P] }
    feeds.eps = { data: cast(b.eps), dims: [B, T, P] }
    feeds.tfeat = { data: cast(b.tfeat), dims: [B, smallConfig.timeFeatures] }
    feeds.cond = { data: cast(b.cond), dims: [B, smallConfig.vocabSize] }
    feeds.coef = { data: cast(b.weights.map((w) => w / B)), dims: [B] }
    return feeds
  }

  // Both layouts of a linear layer: the bias as Gemm's own input (small graphs) and folded into the
  // weight against a ones column (FOLD_BIAS_MIN_ROWS, forced here from the first row).
  for (const [layout, foldFromRows] of [
    ['bias as Gemm input', FOLD_BIAS_MIN_ROWS],
    ['bias folded into the weight', 1]
  ] as const) {
    it(`every parameter gradient matches the tfjs engine to 1e-4 (float32; ${layout})`, async () => {
      const { tf } = await loadTf({ preferWasm: true })
      const params = randomParams(smallConfig, 7)
      const b = makeBatch(8)
      const model = new DiTModel(tf, smallConfig, params)
      const vars = [...model.params.values()]
      const { value, grads } = tf.variableGrads(() => weightedMeanLoss(perSampleMse(tf, model, prepared(b)), prepared(b), tf), vars)
      const tfLoss = value.dataSync()[0]
      const tfGrads: Record<string, Float32Array> = {}
      let i = 0
      for (const name of model.params.keys()) tfGrads[name] = grads[vars[i++].name].dataSync() as Float32Array
      const s = await session(buildTrainingGraph(smallConfig, B, { kind: 'linear' }, 'float32', foldFromRows))
      const out = await run(s, graphFeeds(params, b, 'float32'))
      await s.release()
      expect(out.loss[0]).toBeCloseTo(tfLoss, 5)
      let worst = 0
      for (const spec of ditParameters(smallConfig)) {
        const err = maxRelError(Float32Array.from(out[`grad.${spec.name}`]), tfGrads[spec.name])
        worst = Math.max(worst, err)
        expect(err, spec.name).toBeLessThan(1e-4)
      }
      expect(worst).toBeGreaterThan(0) // two engines never agree to the last bit; equality would mean a shared path
      value.dispose()
      tf.dispose(Object.values(grads))
      model.dispose()
    })

    it(`float64 graph: gradients agree with central differences on sampled coordinates of every tensor (${layout})`, async () => {
      const params = randomParams(smallConfig, 11)
      const b = makeBatch(12)
      const s = await session(buildTrainingGraph(smallConfig, B, { kind: 'linear' }, 'float64', foldFromRows))
      const feeds = graphFeeds(params, b, 'float64') as Record<string, { data: Float64Array; dims: readonly number[] }>
      const base = await run(s, feeds)
      const r = seededRandom(5)
      const h = 1e-6
      let maxDiff = 0
      let maxRef = 0
      for (const spec of ditParameters(smallConfig)) {
        const values = feeds[spec.name].data
        for (let k = 0; k < 2; k++) {
          const i = Math.floor(r() * values.length)
          const numeric = await centralDifference(s, feeds, values, i, h)
          maxDiff = Math.max(maxDiff, Math.abs(base[`grad.${spec.name}`][i] - numeric))
          maxRef = Math.max(maxRef, Math.abs(numeric))
        }
      }
      await s.release()
      expect(maxRef).toBeGreaterThan(0)
      expect(maxDiff / maxRef).toBeLessThan(1e-5)
    })
  }

  it('the folded layout is used where it pays: a Concat per folded layer, none on small graphs', () => {
    const count = (bytes: Uint8Array) => Buffer.from(bytes).toString('latin1').split('\x06Concat').length - 1
    expect(count(buildTrainingGraph(smallConfig, B, { kind: 'linear' }))).toBe(count(buildTrainingGraph(smallConfig, B, { kind: 'linear' }, 'float32', Number.POSITIVE_INFINITY)))
    expect(count(buildTrainingGraph(smallConfig, B, { kind: 'linear' }, 'float32', 1))).toBeGreaterThan(count(buildTrainingGraph(smallConfig, B, { kind: 'linear' })))
  })

  for (const method of ['popalign', 'dpo'] as const) {
    it(`${method} head: loss equals engine/losses and gradients equal Σ ∂loss/∂mse_i · ∇mse_i`, async () => {
      const params = randomParams(smallConfig, 21)
      const refParams = randomParams(smallConfig, 22)
      const b = makeBatch(23)
      const labels = Float32Array.from([1, -1, 1, -1])
      const objective = { method, beta: 3, alpha: 0.3 }
      const linear = await OrtGradSession.create(smallConfig, B, { kind: 'linear' }, { threads: 1 })
      const refMse = (await linear.run(refParams, b, { coef: new Float32Array(B) })).mse.slice()
      const modelMse = (await linear.run(params, b, { coef: new Float32Array(B) })).mse.slice()
      const expected = evaluateObjective(objective, modelMse, refMse, b.weights, labels)
      const head = method === 'popalign' ? { kind: 'popalign' as const, beta: 3, alpha: 0.3 } : { kind: 'dpo' as const, beta: 3 }
      const s = await OrtGradSession.create(smallConfig, B, head, { threads: 1 })
      // zCoef: alpha / #winners on winners, (1 - alpha) / #losers on losers.
      const zCoef = labels.map((y) => (y === 1 ? 0.3 / 2 : 0.7 / 2))
      const out = await s.run(params, b, { weights: b.weights, refMse, labels, zCoef })
      const chained = await linear.run(params, b, { coef: Float32Array.from(expected.grad) })
      await s.dispose()
      await linear.dispose()
      expect(out.loss).toBeCloseTo(expected.metrics.loss, 5)
      for (const spec of ditParameters(smallConfig)) expect(maxRelError(out.grads[spec.name], chained.grads[spec.name]), spec.name).toBeLessThan(1e-4)
    })
  }
})
