// The TypeScript schedulers choose the timesteps, sigmas and initial noise scale that diffusers'
// DDIMScheduler, EulerDiscreteScheduler and EulerAncestralDiscreteScheduler choose for the same
// scheduler_config.json, for every spacing (linspace, leading, trailing) and step counts 1 to 50
// (reference/schedules.json, written by generate.py); the ancestral step adds exactly sigma_up of the
// noise it is given.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { SchedulerConfig } from '../../src-main/core/sd/folder'
import { makeScheduler, type SchedulerName } from '../../src-main/core/sd/schedulers'

interface Row {
  scheduler: SchedulerName
  spacing: string
  steps: number
  timesteps: number[]
  sigmas?: number[]
  initNoiseSigma: number
}
const ref = JSON.parse(readFileSync(join(__dirname, '../fixtures/tiny-sd-onnx/reference/schedules.json'), 'utf8')) as { config: SchedulerConfig; schedules: Row[] }

/** diffusers keeps sigmas in float32: relative differences up to a few float32 ulps. */
const SIGMA_RTOL = 1e-6

describe("schedulers match diffusers' timesteps and sigmas", () => {
  it('covers the three schedulers and spacings, including counts where numpy rounds halves to even', () => {
    expect(new Set(ref.schedules.map((r) => `${r.scheduler}/${r.spacing}`)).size).toBe(8)
    expect(ref.schedules.some((r) => r.spacing === 'trailing' && r.steps === 16)).toBe(true)
  })

  for (const row of ref.schedules) {
    it(`${row.scheduler}, ${row.spacing}, ${row.steps} steps`, () => {
      const s = makeScheduler(row.scheduler, { ...ref.config, timestep_spacing: row.spacing }, row.steps)
      expect(s.timesteps).toEqual(row.timesteps)
      expect(Math.abs(s.initNoiseSigma - row.initNoiseSigma) / row.initNoiseSigma).toBeLessThan(SIGMA_RTOL)
      if (row.sigmas) {
        expect(s.sigmas).toHaveLength(row.sigmas.length)
        row.sigmas.forEach((want, i) => expect(Math.abs(s.sigmas![i] - want)).toBeLessThanOrEqual(SIGMA_RTOL * Math.max(1, want)))
      }
    })
  }
})

describe('Euler ancestral step', () => {
  const config = { ...ref.config, timestep_spacing: 'trailing' }
  it('adds sigma_up times the given noise and steps down to sigma_down', () => {
    const s = makeScheduler('euler-ancestral', config, 4)
    const [from, to] = [s.sigmas![1], s.sigmas![2]]
    const up = Math.sqrt((to * to * (from * from - to * to)) / (from * from))
    const down = Math.sqrt(to * to - up * up)
    const x = Float32Array.from([1, -2])
    const eps = Float32Array.from([0.5, 0.25])
    const zero = s.step(eps, 1, x, new Float32Array(2))
    const one = s.step(eps, 1, x, Float32Array.from([1, 1]))
    expect(zero[0]).toBeCloseTo(1 + 0.5 * (down - from), 5)
    expect(one[0] - zero[0]).toBeCloseTo(up, 5)
    expect(one[1] - zero[1]).toBeCloseTo(up, 5)
  })

  it('adds no noise at the last step (sigma 0) and refuses a step without noise', () => {
    const s = makeScheduler('euler-ancestral', config, 2)
    const x = Float32Array.from([1])
    expect(s.step(Float32Array.from([0.1]), 1, x, Float32Array.from([5]))).toEqual(s.step(Float32Array.from([0.1]), 1, x, Float32Array.from([-5])))
    expect(() => s.step(Float32Array.from([0.1]), 0, x)).toThrow('euler-ancestral: step 0 needs 1 noise values, got 0')
    expect(makeScheduler('euler', config, 2).stochastic).toBe(false)
  })

  it('refuses sample prediction and an unknown scheduler in words', () => {
    expect(() => makeScheduler('euler-ancestral', { ...config, prediction_type: 'sample' }, 4)).toThrow('prediction_type "sample" is not supported (epsilon or v_prediction)')
    expect(() => makeScheduler('pndm' as SchedulerName, config, 4)).toThrow('unknown scheduler "pndm" (ddim, euler, euler-ancestral)')
  })
})
