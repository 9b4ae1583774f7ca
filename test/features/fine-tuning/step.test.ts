// The fine-tuning step against first principles: the trainer's surrogate Σ g_i·mse_i has the same
// parameter gradients as tf.grad of the full loss (PopAlign with Z held constant, Diffusion-DPO, SFT),
// with and without the debias timestep weighting; the reference never moves; pairs share noise,
// timestep and caption dropout, which happens at the configured rate.
import type * as TF from '@tensorflow/tfjs'
import { beforeAll, describe, expect, it } from 'vitest'
import { loadTf, type Tf } from '../../../src-main/core/engine/tf/backend'
import { makeSchedule } from '../../../src-main/core/engine/diffusion/schedule'
import { lossWeights } from '../../../src-main/core/engine/diffusion/weights'
import { parseTrainConfig } from '../../../src-main/core/engine/train/config'
import { toyDataSource } from '../../../src-main/core/engine/train/toy-source'
import { perSampleMse, Trainer } from '../../../src-main/core/engine/train/trainer'
import { Rng } from '../../../src-main/core/random/rng'
import { drawPreferenceBatch } from '../../../src-main/core/training/finetune/batch'
import { buildPreferenceData } from '../../../src-main/core/training/finetune/data'
import { preferenceHook, type ObjectiveResult } from '../../../src-main/core/training/finetune/objective'
import { FinetuneStepper } from '../../../src-main/core/training/finetune/step'
import type { FinetuneMethod } from '../../../src-main/core/training/finetune/spec'
import type { DiTParams } from '../../../src-main/core/engine/model/dit-tf'
import { syntheticImages, tinyWorldModel } from './tiny'

let tf: Tf
let base: DiTParams

beforeAll(async () => {
  tf = (await loadTf({ preferWasm: true })).tf
  // A few plain steps so the output layer is no longer adaLN-Zero's exact zero.
  const pre = new Trainer(tf, parseTrainConfig({ model: tinyWorldModel, batchSize: 8, learningRate: 1e-2, steps: 8, seed: 3 }), toyDataSource(tinyWorldModel))
  for (let i = 0; i < 8; i++) pre.trainStep()
  base = pre.model.exportParams()
  pre.dispose()
})

function directLoss(method: FinetuneMethod, mse: TF.Tensor1D, w: Float32Array, ref: Float32Array, labels: Float64Array, beta: number, Z: number): TF.Scalar {
  const m = tf.mul(mse, tf.tensor1d(w))
  const r = tf.mul(tf.tensor1d(ref), tf.tensor1d(w))
  const n = labels.length
  if (method === 'sft') return tf.mean<TF.Scalar>(m)
  if (method === 'dpo') {
    const P = n / 2
    const d = tf.sub(tf.sub(tf.slice(m, 0, P), tf.slice(m, P, P)), tf.sub(tf.slice(r, 0, P), tf.slice(r, P, P)))
    const u = tf.mul(-0.5 * beta, d)
    return tf.mean<TF.Scalar>(tf.softplus(tf.neg(u)))
  }
  const g = tf.sub(r, m)
  const z = tf.mul(tf.mul(tf.tensor1d(Float32Array.from(labels)), beta), tf.sub(g, Z))
  return tf.mean<TF.Scalar>(tf.softplus(tf.neg(z)))
}

describe('fine-tune step', () => {
  for (const [method, weighting] of [
    ['popalign', 'constant'],
    ['popalign', 'debias'],
    ['dpo', 'constant'],
    ['dpo', 'debias'],
    ['sft', 'constant']
  ] as const) {
    it(`${method} (${weighting}): surrogate gradients equal tf.grad of the full loss`, () => {
      const config = parseTrainConfig({
        model: tinyWorldModel,
        batchSize: 8,
        learningRate: 3e-3,
        steps: 20,
        seed: 5,
        weighting,
        condDropout: 0.2,
        weightOptions: weighting === 'debias' ? { maxSnr: 1000 } : {}
      })
      const trainer = new Trainer(tf, config, toyDataSource(tinyWorldModel), { initialParams: base })
      const data = buildPreferenceData(syntheticImages(tinyWorldModel, 3, 2), tinyWorldModel, method)
      const objective = { method, beta: 300, alpha: 0.5 }
      const stepper = new FinetuneStepper(tf, trainer, data, objective, base)
      // Move the model off the reference first, so m != r and the sigmoids are not at 1/2.
      for (let i = 0; i < 4; i++) stepper.step()
      const batch = stepper.nextBatch()
      const ref = stepper.referenceMse(batch) ?? new Float32Array(batch.batchSize)
      const vars = [...trainer.model.params.values()]
      let res: ObjectiveResult | null = null
      const hook = preferenceHook(objective, method === 'sft' ? null : ref, batch.labels, (r) => (res = r))
      const surrogate = tf.variableGrads(() => hook(perSampleMse(tf, trainer.model, batch), batch, tf), vars)
      const got = res as ObjectiveResult | null
      expect(got).not.toBeNull()
      const Z = got!.metrics.Z ?? 0
      const direct = tf.variableGrads(() => directLoss(method, perSampleMse(tf, trainer.model, batch), batch.weights, ref, batch.labels, objective.beta, Z), vars)
      // The surrogate's value is the loss itself, not Σ g·mse.
      expect(surrogate.value.dataSync()[0]).toBeCloseTo(got!.metrics.loss, 4)
      expect(direct.value.dataSync()[0]).toBeCloseTo(got!.metrics.loss, 4)
      let maxAbs = 0
      let maxDiff = 0
      for (const v of vars) {
        const a = surrogate.grads[v.name].dataSync()
        const b = direct.grads[v.name].dataSync()
        for (let i = 0; i < a.length; i++) {
          maxAbs = Math.max(maxAbs, Math.abs(b[i]))
          maxDiff = Math.max(maxDiff, Math.abs(a[i] - b[i]))
        }
      }
      expect(maxAbs).toBeGreaterThan(1e-6)
      expect(maxDiff / maxAbs).toBeLessThan(2e-3)
      tf.dispose([surrogate.value, direct.value, ...Object.values(surrogate.grads), ...Object.values(direct.grads)])
      stepper.dispose()
      trainer.dispose()
    })
  }

  it('never moves the reference while the model moves, and PopAlign starts at log 2 with accuracy 1/2', () => {
    const config = parseTrainConfig({ model: tinyWorldModel, batchSize: 8, learningRate: 3e-3, steps: 20, seed: 5 })
    const trainer = new Trainer(tf, config, toyDataSource(tinyWorldModel), { initialParams: base })
    const stepper = new FinetuneStepper(tf, trainer, buildPreferenceData(syntheticImages(tinyWorldModel, 3, 2), tinyWorldModel, 'popalign'), { method: 'popalign', beta: 300, alpha: 0.5 }, base)
    const first = stepper.step()
    expect(first.loss).toBeCloseTo(Math.log(2), 5)
    expect(first.implicitAccuracy).toBe(0.5)
    for (let i = 0; i < 5; i++) stepper.step()
    const refParams = stepper.reference!.exportParams()
    const modelParams = trainer.model.exportParams()
    let refDiff = 0
    let modelDiff = 0
    for (const name of Object.keys(base)) {
      for (let i = 0; i < base[name].length; i++) {
        refDiff = Math.max(refDiff, Math.abs(refParams[name][i] - base[name][i]))
        modelDiff = Math.max(modelDiff, Math.abs(modelParams[name][i] - base[name][i]))
      }
    }
    expect(refDiff).toBe(0)
    expect(modelDiff).toBeGreaterThan(1e-4)
    stepper.dispose()
    trainer.dispose()
  })

  it('pairs share noise, timestep and caption dropout; dropout happens at its rate; SFT draws winners only', () => {
    const schedule = makeSchedule('linear', 1000)
    const weightTable = lossWeights('constant', schedule)
    const images = syntheticImages(tinyWorldModel, 4, 3)
    const data = buildPreferenceData(images, tinyWorldModel, 'popalign')
    expect(data.pairs).toHaveLength(12)
    const rng = new Rng(11)
    const settings = { method: 'popalign' as const, batchSize: 8, condDropout: 0.2, model: tinyWorldModel, schedule, weightTable }
    let dropped = 0
    let groups = 0
    const sample = (tinyWorldModel.imageSize / tinyWorldModel.patch) ** 2 * tinyWorldModel.patch ** 2 * 3
    const V = tinyWorldModel.vocabSize
    for (let k = 0; k < 500; k++) {
      const b = drawPreferenceBatch(data, settings, rng)
      for (let p = 0; p < 4; p++) {
        expect(b.labels[p]).toBe(1)
        expect(b.labels[p + 4]).toBe(-1)
        expect(b.t[p]).toBe(b.t[p + 4])
        expect(b.dropped[p]).toBe(b.dropped[p + 4])
        expect(b.eps.subarray(p * sample, (p + 1) * sample)).toEqual(b.eps.subarray((p + 4) * sample, (p + 5) * sample))
        expect(b.cond.subarray(p * V, (p + 1) * V)).toEqual(b.cond.subarray((p + 4) * V, (p + 5) * V))
        if (b.dropped[p]) {
          expect(b.cond[p * V]).toBe(1) // <null>
          expect(b.cond.subarray(p * V + 1, (p + 1) * V).every((v) => v === 0)).toBe(true)
        }
        dropped += b.dropped[p]
        groups++
      }
    }
    // 2000 Bernoulli(0.2) draws: 4.5 standard deviations is ±0.04.
    expect(Math.abs(dropped / groups - 0.2)).toBeLessThan(0.04)
    const none = drawPreferenceBatch(data, { ...settings, condDropout: 0 }, rng)
    expect(none.dropped.every((d) => d === 0)).toBe(true)

    const sft = drawPreferenceBatch(buildPreferenceData(images, tinyWorldModel, 'sft'), { ...settings, method: 'sft' }, rng)
    expect(Array.from(sft.labels)).toEqual(Array(8).fill(1))
    expect(() => drawPreferenceBatch(data, { ...settings, batchSize: 7 }, rng)).toThrow(/must be even/)
    expect(() =>
      buildPreferenceData(
        images.filter((i) => i.label === -1),
        tinyWorldModel,
        'dpo'
      )
    ).toThrow(/both a winning and a losing set/)
  })
})
