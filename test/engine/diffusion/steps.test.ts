import { describe, expect, it } from 'vitest'
import {
  ddimScalar,
  ddimStep,
  ddpmStep,
  ddimStrideTimesteps,
  epsFromV,
  epsFromX0,
  guidedTimesteps,
  leadingTimesteps,
  makeSchedule,
  parseTimestepSpec,
  posteriorCoefficients,
  qSample,
  respaceSchedule,
  scheduleFromBetas,
  velocity,
  x0FromEps,
  x0FromV,
  cfgCombine
} from '../../../src-main/core/engine/diffusion'

function expectRel(actual: number, expected: number, rel: number): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(rel * Math.abs(expected))
}

describe('parameterisation identities at linear t = 499 (docs/methods/diffusion.md §Check values)', () => {
  const s = makeSchedule('linear')
  const ab = s.alphasCumprod[499]
  const snr = s.snr[499]
  const x0 = 0.5
  const eps = -1
  const epsHat = -0.9
  const xt = Math.sqrt(ab) * x0 + Math.sqrt(1 - ab) * eps

  it('square roots and x_t', () => {
    expectRel(s.sqrtAlphasCumprod[499], 0.280334162887, 1e-11)
    expectRel(s.sqrtOneMinusAlphasCumprod[499], 0.959902472712, 1e-11)
    expectRel(xt, -0.819735391268, 1e-11)
    const batch = qSample(s, Float64Array.of(x0), Float64Array.of(eps), Int32Array.of(499), 1)
    expectRel(batch[0], -0.819735391268, 1e-7) // float32 output
  })

  it('x̂0, v, v̂ and the error relations', () => {
    const x0Hat = x0FromEps(xt, epsHat, ab)
    expectRel(x0Hat, 0.157586338096, 1e-10)
    expectRel((x0 - x0Hat) ** 2, 0.117247115859, 1e-10)
    expectRel((x0 - x0Hat) ** 2, (eps - epsHat) ** 2 / snr, 1e-10)
    const v = velocity(x0, eps, ab)
    const vHat = velocity(x0Hat, epsHat, ab)
    expectRel(v, -0.760285399243, 1e-10)
    expectRel(vHat, -0.403568262202, 1e-10)
    expectRel((v - vHat) ** 2, 0.127247115859, 1e-10)
    expectRel((v - vHat) ** 2, (eps - epsHat) ** 2 / ab, 1e-10)
    expectRel((eps - epsHat) ** 2 / Math.sqrt(snr), 0.0342413661904, 1e-10)
    // round trips
    expectRel(epsFromX0(xt, x0Hat, ab), epsHat, 1e-12)
    expectRel(x0FromV(xt, v, ab), x0, 1e-12)
    expectRel(epsFromV(xt, v, ab), eps, 1e-12)
  })

  it('posterior coefficients', () => {
    const p = posteriorCoefficients(s, 499)
    expectRel(p.c1, 0.00307007111426, 1e-10)
    expectRel(p.c2, 0.99410667021, 1e-10)
    expectRel(p.variance, 0.0100313554146, 1e-10)
  })
})

describe('DDIM step (docs/methods/diffusion.md §Check values)', () => {
  it('η = 0 and η = 1 scalar values', () => {
    const d0 = ddimScalar(1.0, 0.2, 0.5, 0.8, 0)
    expectRel(d0.x0, 1.2142135624, 1e-10)
    expectRel(d0.mean, 1.175468345, 1e-9)
    expect(d0.sigma).toBe(0)
    const d1 = ddimScalar(1.0, 0.2, 0.5, 0.8, 1)
    expectRel(d1.sigma, 0.3872983346, 1e-9)
    expectRel(d1.mean, 1.1307469854, 1e-9)
  })

  it('the array step uses ᾱ_prev of the schedule and adds σ·z', () => {
    // A two-step schedule with ᾱ = (0.8, 0.5): index 1 steps from 0.5 to 0.8.
    const sched = scheduleFromBetas('linear', Float64Array.of(0.2, 1 - 0.5 / 0.8))
    const xt = Float32Array.of(1.0)
    const eps = Float32Array.of(0.2)
    const det = ddimStep(sched, 1, { xt, eps, noise: null, clipX0: false }, 0)
    expectRel(det[0], 1.175468345, 1e-6)
    const sto = ddimStep(sched, 1, { xt, eps, noise: Float32Array.of(0.5), clipX0: false }, 1)
    expectRel(sto[0], 1.1307469854 + 0.3872983346 * 0.5, 1e-6)
    // Last step: ᾱ_prev = 1, so the result is x̂0 itself, no noise.
    const last = ddimStep(sched, 0, { xt, eps, noise: null, clipX0: false }, 1)
    expectRel(last[0], x0FromEps(1, 0.2, 0.8), 1e-6)
  })

  it('clipping re-derives ε from the clipped x̂0', () => {
    const sched = scheduleFromBetas('linear', Float64Array.of(0.2, 1 - 0.5 / 0.8))
    const out = ddimStep(sched, 1, { xt: Float32Array.of(1), eps: Float32Array.of(0.2), noise: null, clipX0: true }, 0)
    const e = (1 - Math.sqrt(0.5) * 1) / Math.sqrt(0.5)
    expectRel(out[0], Math.sqrt(0.8) * 1 + Math.sqrt(0.2) * e, 1e-6)
  })

  it('DDPM step: mean from the posterior and no noise at index 0', () => {
    const s = makeSchedule('linear')
    const p = posteriorCoefficients(s, 499)
    const xt = Float32Array.of(-0.819735391268)
    const eps = Float32Array.of(-0.9)
    const out = ddpmStep(s, 499, { xt, eps, noise: Float32Array.of(1), clipX0: false })
    const x0 = x0FromEps(xt[0], -0.9, s.alphasCumprod[499])
    expectRel(out[0], p.c1 * x0 + p.c2 * xt[0] + Math.sqrt(p.variance), 1e-6)
    const last = ddpmStep(s, 0, { xt, eps, noise: null, clipX0: false })
    const pc0 = posteriorCoefficients(s, 0)
    expectRel(last[0], pc0.c1 * x0FromEps(xt[0], -0.9, s.alphasCumprod[0]) + pc0.c2 * xt[0], 1e-6)
    expect(() => ddpmStep(s, 5, { xt, eps, noise: null, clipX0: false })).toThrow(/noise/)
  })

  it('CFG combine', () => {
    const out = cfgCombine(Float32Array.of(1, 2), Float32Array.of(0, 1), 6.5)
    expect(Array.from(out)).toEqual([6.5, 7.5])
    expect(() => cfgCombine(Float32Array.of(1), Float32Array.of(1, 2), 2)).toThrow(/length/)
  })
})

describe('timestep subsets (docs/methods/diffusion.md §Check values)', () => {
  it('guided-diffusion "100"', () => {
    const ts = Array.from(guidedTimesteps(100, 1000))
    expect(ts.length).toBe(100)
    expect(ts.slice(0, 6)).toEqual([0, 10, 20, 30, 40, 50])
    expect(ts.slice(-4)).toEqual([969, 979, 989, 999])
  })

  it('guided-diffusion "10" and its respaced betas under linear-1000', () => {
    const ts = parseTimestepSpec('10', 1000)
    expect(Array.from(ts)).toEqual([0, 111, 222, 333, 444, 555, 666, 777, 888, 999])
    const r = respaceSchedule(makeSchedule('linear'), ts)
    const expected = [0.0001, 0.12630764, 0.31684362, 0.46611906, 0.58300549, 0.67448064, 0.74602977, 0.80196259, 0.84566338, 0.87978823]
    expected.forEach((b, j) => expect(Math.abs(r.betas[j] - b)).toBeLessThan(5e-9))
    expect(Array.from(r.timesteps)).toEqual(Array.from(ts))
    expect(r.alphasCumprod[9]).toBeCloseTo(makeSchedule('linear').alphasCumprod[999], 15)
  })

  it('round-half-to-even on exact ties (999/2 = 499.5 → 500; 999·1/4·2 = 499.5 → 500)', () => {
    expect(Array.from(guidedTimesteps(3, 1000))).toEqual([0, 500, 999])
    expect(Array.from(guidedTimesteps(5, 1000))).toEqual([0, 250, 500, 749, 999])
    // 1001/2 = 500.5 → 500 (even), not 501
    expect(Array.from(guidedTimesteps(3, 1002))).toEqual([0, 500, 1001])
  })

  it('"ddim50" and diffusers leading spacing', () => {
    const d = Array.from(parseTimestepSpec('ddim50', 1000))
    expect(d.length).toBe(50)
    expect(d[0]).toBe(0)
    expect(d[1]).toBe(20)
    expect(d[49]).toBe(980)
    expect(Array.from(ddimStrideTimesteps(50, 1000))).toEqual(d)
    const lead = Array.from(leadingTimesteps(50, 1000)).reverse()
    expect(lead.slice(0, 3)).toEqual([981, 961, 941])
    expect(lead.slice(-3)).toEqual([41, 21, 1])
  })

  it('bad specs give clear errors', () => {
    expect(() => parseTimestepSpec('fast', 1000)).toThrow(/bad timestep spec/)
    expect(() => guidedTimesteps(0, 1000)).toThrow(/positive integer/)
    expect(() => guidedTimesteps(2000, 1000)).toThrow(/cannot take/)
    expect(() => parseTimestepSpec('ddim999', 1000)).toThrow(/no integer stride/)
    expect(() => respaceSchedule(makeSchedule('linear'), Int32Array.of(5, 5))).toThrow(/increasing/)
  })
})
