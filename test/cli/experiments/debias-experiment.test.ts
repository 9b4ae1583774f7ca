// Smoke test of the Debias experiment code (src-main/cli/experiments/debias/debias-experiment.ts) at tiny step
// counts: the schedules, the success measure, the intervals, and one arm trained, evaluated,
// interrupted and resumed to the same numbers. The real run is a command (docs/debias-experiment.md).
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import {
  bootstrapInterval,
  defaultDebiasPlan,
  learningRateAt,
  overallVerdict,
  runArm,
  seedVerdict,
  stepsToReach,
  type ArmResult,
  type DebiasPlan
} from '../../../src-main/cli/experiments/debias/debias-experiment'
import { loadTf } from '../../../src-main/core/engine/tf/backend'
import { emaDecayAt } from '../../../src-main/core/engine/train/ema'
import { parseTrainConfig } from '../../../src-main/core/engine/train/config'
import { createDataSource } from '../../../src-main/core/world/world-source'
import { VOCAB_SIZE } from '../../../src-main/core/world/vocabulary'

describe('Debias experiment: schedules and the success measure', () => {
  it('warms the learning rate up, then decays it by a cosine to the final rate', () => {
    expect(learningRateAt(0, 1e-3, 1e-5, 10, 100)).toBeCloseTo(1e-4, 12)
    expect(learningRateAt(9, 1e-3, 1e-5, 10, 100)).toBeCloseTo(1e-3, 12)
    expect(learningRateAt(99, 1e-3, 1e-5, 10, 100)).toBeCloseTo(1e-5, 12)
    const mid = learningRateAt(54, 1e-3, 1e-5, 10, 100)
    expect(mid).toBeGreaterThan(4e-4)
    expect(mid).toBeLessThan(6e-4)
    expect(emaDecayAt(1, 0.999)).toBeCloseTo(2 / 11, 12)
    expect(emaDecayAt(100000, 0.999)).toBe(0.999)
  })

  it('reads steps-to-reach off a curve with interpolation, and null when never reached', () => {
    const curve = [
      { step: 500, value: 900 },
      { step: 1000, value: 500 },
      { step: 1500, value: 300 }
    ]
    expect(stepsToReach(curve, 400)).toBe(1250)
    expect(stepsToReach(curve, 950)).toBe(500)
    expect(stepsToReach(curve, 100)).toBeNull()
  })

  it('decides the verdict by the rule fixed before the run', () => {
    const arm = (weighting: 'constant' | 'debias', seed: number, values: number[]): ArmResult => ({
      weighting,
      seed,
      steps: 3000,
      finished: true,
      points: values.map((v, i) => ({
        step: (i + 1) * 1000,
        learningRate: 0,
        meanLoss: 0,
        trainSeconds: 0,
        evalSeconds: 0,
        samplers: { ddpm100: { frechet: { value: v, low: v - 1, high: v + 1 }, frechetFloor: 1, colourShift: { value: 0, low: 0, high: 0 }, conceptAccuracy: { value: 0, low: 0, high: 0 } } },
        timestepError: []
      }))
    })
    const fast = seedVerdict(arm('constant', 1, [900, 600, 400]), arm('debias', 1, [700, 400, 300]), 'ddpm100')
    expect(fast.debiasSteps).toBe(2000)
    expect(fast.speedUp).toBe(1.5)
    const slow = seedVerdict(arm('constant', 2, [900, 600, 400]), arm('debias', 2, [1200, 800, 500]), 'ddpm100')
    expect(slow.debiasSteps).toBeNull()
    expect(slow.constantStepsToDebiasFinal).toBe(2500)
    expect(overallVerdict([fast, fast])).toBe('supported')
    expect(overallVerdict([fast, slow])).toBe('mixed')
    expect(overallVerdict([slow, slow])).toBe('not supported')
  })

  it('gives intervals that contain their estimate even when the bootstrap is biased upwards', () => {
    const draws = Float64Array.from({ length: 200 }, (_, i) => 12 + (i % 20) * 0.1) // all above the estimate
    const e = bootstrapInterval(10, draws)
    expect(e.low).toBeLessThanOrEqual(10)
    expect(e.high).toBeGreaterThanOrEqual(10)
  })
})

describe('Debias experiment: one arm at tiny scale', () => {
  const dir = mkdtempSync(join(tmpdir(), 'debias-smoke-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))
  const model = { imageSize: 16, channels: 3, patch: 4, width: 16, depth: 1, heads: 2, mlpRatio: 2, timeFeatures: 16, vocabSize: VOCAB_SIZE }
  const plan: DebiasPlan = defaultDebiasPlan(parseTrainConfig({ model, batchSize: 8, learningRate: 1e-3, steps: 6, seed: 0 }), {
    warmupSteps: 2,
    evalSteps: [3, 6],
    samplers: [
      { name: 'ddpm4', sampler: 'ddpm', steps: 4, guidance: 1, seed: 5 },
      { name: 'ddpm2', sampler: 'ddpm', steps: 2, guidance: 1, seed: 5 }
    ],
    perPrompt: 3,
    resamples: 8,
    heldOut: 8,
    timestepBins: 2,
    sheetPerPrompt: 1,
    checkpointEvery: 2
  })
  const data = () => createDataSource({ captionAttributeFraction: 0.3 }, model)

  it('trains, evaluates the EMA weights with intervals and per-timestep error, and resumes to the same numbers', async () => {
    const { tf } = await loadTf({ preferWasm: true })
    const sheets: number[] = []
    const straight = await runArm({ tf, plan, weighting: 'debias', seed: 3, data, checkpointPath: join(dir, 'a.ckpt'), onSheets: (s, step) => sheets.push(step, s.ddpm4.length) })
    expect(straight.finished).toBe(true)
    expect(straight.points.map((p) => p.step)).toEqual([3, 6])
    expect(sheets).toEqual([3, 9 * 16 * 16 * 3, 6, 9 * 16 * 16 * 3])
    const last = straight.points[1]
    for (const name of ['ddpm4', 'ddpm2']) {
      const m = last.samplers[name]
      expect(m.frechet.value).toBeGreaterThan(0)
      expect(m.frechet.low).toBeLessThanOrEqual(m.frechet.value)
      expect(m.frechet.high).toBeGreaterThanOrEqual(m.frechet.value)
      expect(m.colourShift.low).toBeLessThanOrEqual(m.colourShift.value)
    }
    expect(last.timestepError.map((b) => [b.lo, b.hi])).toEqual([
      [0, 500],
      [500, 1000]
    ])
    expect(last.timestepError[1].x0Mse).toBeGreaterThan(last.timestepError[0].x0Mse)
    expect(last.learningRate).toBeCloseTo(plan.finalLearningRate, 12)

    const part = await runArm({ tf, plan, weighting: 'debias', seed: 3, data, checkpointPath: join(dir, 'b.ckpt'), stopAfter: 4 })
    expect(part.finished).toBe(false)
    expect(part.points.map((p) => p.step)).toEqual([3])
    const resumed = await runArm({ tf, plan, weighting: 'debias', seed: 3, data, checkpointPath: join(dir, 'b.ckpt') })
    expect(resumed.finished).toBe(true)
    expect(resumed.points.map((p) => p.step)).toEqual([3, 6])
    expect(resumed.points[1].meanLoss).toBe(last.meanLoss)
    expect(resumed.points[1].samplers.ddpm4.frechet.value).toBe(last.samplers.ddpm4.frechet.value)
    expect(resumed.points[1].timestepError).toEqual(last.timestepError)

    // A checkpoint from another arm or plan is refused, not silently resumed.
    await expect(runArm({ tf, plan, weighting: 'constant', seed: 3, data, checkpointPath: join(dir, 'b.ckpt') })).rejects.toThrow(/different plan, weighting or seed/)
  }, 180_000)
})
