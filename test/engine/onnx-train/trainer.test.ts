// The onnxruntime trainer: same losses as the tfjs trainer on the same run (same batches), learning,
// bit-identical resume through the existing checkpoint format (either backend continues the other's
// checkpoint), and the PopAlign / DPO / SFT fine-tune steps against the tfjs stepper.
import { beforeAll, describe, expect, it } from 'vitest'
import { loadTf, type Tf } from '../../../src-main/core/engine/tf/backend'
import { parseTrainConfig } from '../../../src-main/core/engine/train/config'
import { toyDataSource } from '../../../src-main/core/engine/train/toy-source'
import { Trainer } from '../../../src-main/core/engine/train/trainer'
import { decodeTrainState, encodeTrainState } from '../../../src-main/core/engine/checkpoint/train-checkpoint'
import { CPU_TOKENS_PER_RUN, microBatchSizes, OrtTrainer } from '../../../src-main/core/engine/onnx-train/trainer'
import { OrtFinetuneStepper } from '../../../src-main/core/training/finetune/ort-stepper'
import { buildPreferenceData } from '../../../src-main/core/training/finetune/data'
import { FinetuneStepper } from '../../../src-main/core/training/finetune/step'
import type { DiTParams } from '../../../src-main/core/engine/model/dit-tf'
import { tinyModel } from '../train/tiny'
import { syntheticImages, tinyWorldModel } from '../../features/fine-tuning/tiny'

let tf: Tf
beforeAll(async () => {
  tf = (await loadTf({ preferWasm: true })).tf
})

const config = parseTrainConfig({ model: tinyModel, batchSize: 8, learningRate: 1e-3, steps: 40, seed: 42, weighting: 'debias', emaDecay: 0.9 })

function bitsEqual(a: Record<string, Float32Array>, b: Record<string, Float32Array>): boolean {
  return Object.keys(a).every((k) => Buffer.from(a[k].buffer, a[k].byteOffset, a[k].byteLength).equals(Buffer.from(b[k].buffer, b[k].byteOffset, b[k].byteLength)))
}

describe('onnxruntime trainer', () => {
  it('follows the tfjs trainer: same first loss, same loss curve within float32 noise, and learns', async () => {
    const data = toyDataSource(tinyModel)
    const ort = await OrtTrainer.create(config, data)
    const ref = new Trainer(tf, config, data)
    const a: number[] = []
    const b: number[] = []
    for (let i = 0; i < 40; i++) {
      a.push(await ort.trainStep())
      b.push(ref.trainStep())
    }
    expect(a[0]).toBeCloseTo(b[0], 5)
    for (let i = 0; i < 40; i++) expect(Math.abs(a[i] - b[i]) / b[i]).toBeLessThan(0.02)
    const mean = (xs: number[]) => xs.reduce((s, v) => s + v, 0) / xs.length
    expect(mean(a.slice(-10))).toBeLessThan(0.8 * mean(a.slice(0, 10)))
    await ort.dispose()
    ref.dispose()
  })

  it('resumes bit for bit from its checkpoint (2 threads), and tfjs continues it', async () => {
    const data = toyDataSource(tinyModel)
    const straight = await OrtTrainer.create(config, data)
    for (let i = 0; i < 6; i++) await straight.trainStep()
    const first = await OrtTrainer.create(config, data)
    for (let i = 0; i < 3; i++) await first.trainStep()
    const file = encodeTrainState(first.snapshot())
    await first.dispose()
    const resumed = await OrtTrainer.create(config, data, { state: decodeTrainState(file) })
    expect(resumed.step).toBe(3)
    for (let i = 0; i < 3; i++) await resumed.trainStep()
    const s1 = straight.snapshot()
    const s2 = resumed.snapshot()
    expect(s2.losses).toEqual(s1.losses)
    expect(bitsEqual(s2.params, s1.params)).toBe(true)
    expect(bitsEqual(s2.adam.m, s1.adam.m) && bitsEqual(s2.adam.v, s1.adam.v)).toBe(true)
    expect(bitsEqual(s2.ema!, s1.ema!)).toBe(true)
    // The same checkpoint resumes on the tfjs backend (the fallback) with the same batches.
    const tfjs = new Trainer(tf, config, data, { state: decodeTrainState(file) })
    const next = tfjs.trainStep()
    expect(Math.abs(next - s1.losses[3]) / s1.losses[3]).toBeLessThan(1e-3)
    tfjs.dispose()
    await straight.dispose()
    await resumed.dispose()
  })

  it('splits a step into the fewest micro-batches within the token budget, sizes as equal as possible', () => {
    expect(microBatchSizes(64, 16, CPU_TOKENS_PER_RUN)).toEqual([64]) // base B=64: 1,024 tokens, whole
    expect(microBatchSizes(256, 16, CPU_TOKENS_PER_RUN)).toEqual([128, 128])
    expect(microBatchSizes(256, 64, CPU_TOKENS_PER_RUN)).toEqual(new Array(8).fill(32))
    expect(microBatchSizes(37, 64, CPU_TOKENS_PER_RUN)).toEqual([19, 18])
    expect(microBatchSizes(5, 1000, 10)).toEqual([1, 1, 1, 1, 1]) // never below one sample a run
    expect(microBatchSizes(256, 64, Number.POSITIVE_INFINITY)).toEqual([256])
    for (const [b, t, max] of [
      [100, 64, 2048],
      [7, 16, 40],
      [256, 16, 1000]
    ]) {
      const sizes = microBatchSizes(b, t, max)
      expect(sizes.reduce((x, y) => x + y, 0)).toBe(b)
      expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1)
    }
  })

  it('a step run as micro-batches is the same step: same loss and weights within float32 rounding, resumable bit for bit', async () => {
    const data = toyDataSource(tinyModel)
    const tokens = 16 // tinyModel: 8x8 images in 2x2 patches
    const whole = await OrtTrainer.create(config, data)
    const split = await OrtTrainer.create(config, data, undefined, { tokensPerRun: 3 * tokens }) // B=8 as 3 + 3 + 2
    expect(whole.microBatches).toEqual([8])
    expect(split.microBatches).toEqual([3, 3, 2])
    expect(split.stepSplit).toBe('each step in 3 runs of 2-3 samples')
    expect(split.description).toMatch(/; each step in 3 runs of 2-3 samples$/)
    expect(whole.stepSplit).toBeNull()
    expect(whole.description).not.toMatch(/runs of/)
    const a: number[] = []
    const b: number[] = []
    for (let i = 0; i < 6; i++) {
      a.push(await whole.trainStep())
      b.push(await split.trainStep())
    }
    for (let i = 0; i < 6; i++) expect(Math.abs(a[i] - b[i]) / a[i], `step ${i}`).toBeLessThan(1e-5)
    const pw = whole.snapshot().params
    const ps = split.snapshot().params
    let worst = 0
    for (const k of Object.keys(pw)) for (let i = 0; i < pw[k].length; i++) worst = Math.max(worst, Math.abs(pw[k][i] - ps[k][i]))
    expect(worst).toBeLessThan(1e-5)
    const first = await OrtTrainer.create(config, data, undefined, { tokensPerRun: 3 * tokens })
    for (let i = 0; i < 3; i++) await first.trainStep()
    const resumed = await OrtTrainer.create(config, data, { state: decodeTrainState(encodeTrainState(first.snapshot())) }, { tokensPerRun: 3 * tokens })
    for (let i = 0; i < 3; i++) await resumed.trainStep()
    expect(resumed.snapshot().losses).toEqual(split.snapshot().losses)
    expect(bitsEqual(resumed.snapshot().params, split.snapshot().params)).toBe(true)
    for (const t of [whole, split, first, resumed]) await t.dispose()
  })

  it('refuses a checkpoint of a different run', async () => {
    const t = await OrtTrainer.create(config, toyDataSource(tinyModel))
    await t.trainStep()
    const state = t.snapshot()
    await t.dispose()
    await expect(OrtTrainer.create({ ...config, seed: 1 }, toyDataSource(tinyModel), { state })).rejects.toThrow(/different config/)
  })

  describe('fine-tune steps match the tfjs stepper on the same batches', () => {
    let base: DiTParams
    beforeAll(async () => {
      const pre = await OrtTrainer.create(parseTrainConfig({ model: tinyWorldModel, batchSize: 8, learningRate: 1e-2, steps: 8, seed: 3 }), toyDataSource(tinyWorldModel))
      for (let i = 0; i < 8; i++) await pre.trainStep()
      base = pre.snapshot().params
      await pre.dispose()
    })
    for (const [method, weighting] of [
      ['popalign', 'debias'],
      ['dpo', 'constant'],
      ['sft', 'constant']
    ] as const) {
      it(`${method} (${weighting})`, async () => {
        const c = parseTrainConfig({
          model: tinyWorldModel,
          batchSize: 8,
          learningRate: 3e-3,
          steps: 20,
          seed: 5,
          weighting,
          condDropout: 0.2,
          weightOptions: weighting === 'debias' ? { maxSnr: 1000 } : {}
        })
        const data = buildPreferenceData(syntheticImages(tinyWorldModel, 3, 2), tinyWorldModel, method)
        const objective = { method, beta: 300, alpha: 0.5 }
        const ort = await OrtTrainer.create(c, toyDataSource(tinyWorldModel), { initialParams: base })
        const ortStep = await OrtFinetuneStepper.create(ort, data, objective, base)
        const tfTrainer = new Trainer(tf, c, toyDataSource(tinyWorldModel), { initialParams: base })
        const tfStep = new FinetuneStepper(tf, tfTrainer, data, objective, base)
        for (let i = 0; i < 5; i++) {
          const mo = await ortStep.step()
          const mt = tfStep.step()
          expect(Math.abs(mo.loss - mt.loss), `step ${i}`).toBeLessThan(1e-3 * Math.max(1, Math.abs(mt.loss)))
          if (method !== 'sft') expect(mo.implicitAccuracy).toBe(mt.implicitAccuracy)
        }
        expect(ort.step).toBe(5)
        await ortStep.dispose()
        await ort.dispose()
        tfStep.dispose()
        tfTrainer.dispose()
      })
    }
  })
})
