// The tfjs DiT against the float64 reference forward, and its gradients against finite differences
// of that reference.
import { beforeAll, describe, expect, it } from 'vitest'
import type * as TF from '@tensorflow/tfjs'
import { loadTf, type Tf } from '../../../src-main/core/engine/tf/backend'
import { DiTModel, initDiTParams, tfjsForward, createTfjsDenoiser, type DiTParams } from '../../../src-main/core/engine/model/dit-tf'
import { ditReferenceForward } from '../../../src-main/core/engine/model/dit-reference'
import { ditParameters, patchDim, timeFeatures, tokenCount, type DiTConfig } from '../../../src-main/core/engine/model/dit-spec'
import { Rng } from '../../../src-main/core/random/rng'

const config: DiTConfig = { imageSize: 8, channels: 3, patch: 2, width: 16, depth: 2, heads: 2, mlpRatio: 2, timeFeatures: 8, vocabSize: 5 }
const B = 2
let tf: Tf
beforeAll(async () => {
  tf = (await loadTf({ preferWasm: true })).tf
})

/** Every tensor random (not adaLN-Zero), so each parameter influences the output. */
function randomParams(rng: Rng, scale = 0.3): DiTParams {
  const out: DiTParams = {}
  for (const s of ditParameters(config)) out[s.name] = rng.fillNormal(new Float32Array(s.shape.reduce((a, b) => a * b, 1)), 0, scale)
  return out
}

function inputs(rng: Rng): { xp: Float32Array; tfeat: Float32Array; cond: Float32Array } {
  const xp = rng.fillNormal(new Float32Array(B * tokenCount(config) * patchDim(config)))
  const tfeat = timeFeatures([17, 640], config.timeFeatures)
  const cond = new Float32Array(B * config.vocabSize)
  cond[0 * 5 + 1] = 0.5
  cond[0 * 5 + 3] = 0.5
  cond[1 * 5 + 0] = 1
  return { xp, tfeat, cond }
}

function relL2(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let num = 0
  let den = 0
  for (let i = 0; i < a.length; i++) {
    num += (a[i] - b[i]) ** 2
    den += b[i] ** 2
  }
  return Math.sqrt(num / den)
}

describe('DiT in tfjs', () => {
  it('matches the float64 reference forward', async () => {
    const rng = new Rng(1)
    const params = randomParams(rng)
    const { xp, tfeat, cond } = inputs(rng)
    const got = await tfjsForward(config, params, xp, tfeat, cond, B)
    const ref = ditReferenceForward(config, params, xp, tfeat, cond, B)
    expect(got.length).toBe(ref.length)
    expect(relL2(got, ref)).toBeLessThan(1e-5)
  })

  it('starts as adaLN-Zero: zero output, and a well-formed parameter set', () => {
    const params = initDiTParams(config, () => new Rng(3).normal())
    expect(Object.keys(params)).toEqual(ditParameters(config).map((s) => s.name))
    expect(params['blocks.0.ada.w'].every((v) => v === 0)).toBe(true)
    expect(params['final.w'].every((v) => v === 0)).toBe(true)
    const { xp, tfeat, cond } = inputs(new Rng(4))
    const d = createTfjsDenoiser(tf, config, params)
    expect(d.forward(xp, tfeat, cond, B).every((v) => v === 0)).toBe(true)
    d.dispose()
  })

  it('round-trips parameters and rejects malformed ones', () => {
    const params = randomParams(new Rng(5))
    const model = new DiTModel(tf, config, params)
    const back = model.exportParams()
    for (const name of Object.keys(params)) expect(back[name]).toEqual(params[name])
    const bad = { ...params, 'stem.w': new Float32Array(3) }
    expect(() => model.loadParams(bad)).toThrow(/stem\.w has 3 values/)
    const missing = { ...params }
    delete missing['pos']
    expect(() => model.loadParams(missing)).toThrow(/missing tensor pos/)
    model.dispose()
  })

  it('gradients agree with central differences of the reference', () => {
    const rng = new Rng(7)
    const params = randomParams(rng)
    const { xp, tfeat, cond } = inputs(rng)
    const w = rng.fillNormal(new Float32Array(xp.length))
    const model = new DiTModel(tf, config, params)
    const vars = [...model.params.values()]
    const { grads } = tf.variableGrads(
      () => tf.sum<TF.Scalar>(tf.mul(model.forward(tf.tensor(xp, [B, tokenCount(config), patchDim(config)]), tf.tensor(tfeat, [B, 8]), tf.tensor(cond, [B, 5])), tf.tensor(w, [B, 16, 12]))),
      vars
    )
    const names = [...model.params.keys()]
    const objective = (p: DiTParams): number => {
      const out = ditReferenceForward(config, p, xp, tfeat, cond, B)
      let s = 0
      for (let i = 0; i < out.length; i++) s += out[i] * w[i]
      return s
    }
    let worst = 0
    for (let n = 0; n < names.length; n++) {
      const name = names[n]
      const g = grads[vars[n].name].dataSync()
      for (let probe = 0; probe < 2; probe++) {
        const idx = rng.int(g.length)
        const h = 1e-2
        const plus = { ...params, [name]: params[name].slice() }
        const minus = { ...params, [name]: params[name].slice() }
        plus[name][idx] += h
        minus[name][idx] -= h
        const fd = (objective(plus) - objective(minus)) / (2 * h)
        // Perturbations are float32-representable, so the difference quotient is exact up to O(h²).
        worst = Math.max(worst, Math.abs(fd - g[idx]) / (Math.abs(fd) + 0.1))
      }
    }
    expect(worst).toBeLessThan(5e-3)
    model.dispose()
  })
})
