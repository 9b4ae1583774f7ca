// The WebAssembly SIMD kernels (engine/simd) must give the very bits of the loops they replace, or
// checkpoints, resumed runs and sampled images would change with the runtime. Every comparison here is
// bitwise, over random values and the edge cases a clip or a division can meet.
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { KernelArena } from '../../src-main/core/engine/simd/kernels'
import { KERNELS_WASM_BASE64 } from '../../src-main/core/engine/simd/kernels-wasm'
import { ArrayAdam } from '../../src-main/core/engine/onnx-train/adam'
import { ddimLoop, ddimStep, ddpmLoop, ddpmStep, makeSchedule, type StepCoefficients } from '../../src-main/core/engine/diffusion'
import { Rng } from '../../src-main/core/random/rng'
import { simdModuleSource } from '../../scripts/build-simd.mjs'

function bits(a: Float32Array): Uint32Array {
  return new Uint32Array(a.buffer, a.byteOffset, a.length)
}

/**
 * Index of the first element whose bits differ, or -1. A NaN matches any NaN: its payload is not part
 * of the arithmetic (JavaScript itself does not fix it), and x86 makes a different one than V8's.
 */
function firstDifference(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length)
  const x = bits(a)
  const y = bits(b)
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i] && !(Number.isNaN(a[i]) && Number.isNaN(b[i]))) return i
  return -1
}

/** Normals with the values a step can meet mixed in: exact ±1 boundaries, ±0, huge, tiny, NaN, ±Infinity. */
function awkward(n: number, seed: number, scale = 2): Float32Array {
  const out = new Rng(seed).fillNormal(new Float32Array(n), 0, scale)
  const special = [1, -1, 0, -0, 1e30, -1e30, 1e-30, 3.4e38, NaN, Infinity, -Infinity, 0.9999999, -1.0000001]
  for (let i = 0; i < special.length && i * 7 < n; i++) out[i * 7] = special[i]
  return out
}

describe('SIMD kernels', () => {
  it('the committed module is kernels.wat assembled (edit the .wat, then node scripts/build-simd.mjs)', async () => {
    const source = readFileSync(new URL('../../src-main/core/engine/simd/kernels.wat', import.meta.url), 'utf8')
    const generated = readFileSync(new URL('../../src-main/core/engine/simd/kernels-wasm.ts', import.meta.url), 'utf8')
    expect(generated).toBe(await simdModuleSource(source))
    expect(KERNELS_WASM_BASE64.length).toBeGreaterThan(100)
  })

  it('run here: this Node has WebAssembly SIMD, so the fast path is the one tested and shipped', () => {
    expect(KernelArena.forArrays([8])).not.toBeNull()
  })

  it('an arena hands out aligned, disjoint arrays and refuses to overflow', () => {
    const arena = KernelArena.forArrays([5, 3])!
    const a = arena.alloc(5)
    const b = arena.alloc(3)
    expect(arena.offsetOf(a) % 16).toBe(0)
    expect(arena.offsetOf(b)).toBeGreaterThanOrEqual(arena.offsetOf(a) + 5 * 4)
    expect(() => arena.offsetOf(new Float32Array(2))).toThrow(/does not live in this arena/)
    const small = KernelArena.forArrays([4])!
    small.alloc(4)
    expect(() => small.alloc(70000)).toThrow(/no room/)
  })

  it('Adam and the weight average: the kernel and the plain loop agree bit for bit over 5 steps', () => {
    const shapes: Record<string, number> = { a: 7, b: 1, c: 1000, d: 33 } // odd sizes: views straddle pairs
    const initial = Object.fromEntries(Object.entries(shapes).map(([k, n], i) => [k, awkward(n, 10 + i, 0.5).map((v) => (Number.isFinite(v) ? v : 0.25))]))
    const settings = { learningRate: 3e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8 }
    const simd = new ArrayAdam(initial, settings, { average: true })
    const loop = new ArrayAdam(initial, settings, { average: true, simd: false })
    for (let step = 0; step < 5; step++) {
      const grads = Object.fromEntries(Object.entries(shapes).map(([k, n], i) => [k, awkward(n, 100 * step + i, 3).map((v) => (Number.isNaN(v) ? 0 : Math.max(-1e6, Math.min(1e6, v))))]))
      simd.apply(grads)
      loop.apply(grads)
      simd.updateAverage(0.99)
      loop.updateAverage(0.99)
    }
    for (const k of Object.keys(shapes)) {
      expect(firstDifference(simd.params[k], loop.params[k]), `params ${k}`).toBe(-1)
      expect(firstDifference(simd.average![k], loop.average![k]), `average ${k}`).toBe(-1)
      expect(firstDifference(simd.exportState().m[k], loop.exportState().m[k]), `m ${k}`).toBe(-1)
      expect(firstDifference(simd.exportState().v[k], loop.exportState().v[k]), `v ${k}`).toBe(-1)
    }
    // And the update did something: the weights moved.
    expect(firstDifference(simd.params.c, initial.c)).not.toBe(-1)
  })

  it('micro-batch gradients: the accumulate kernel and the plain loop agree bit for bit', () => {
    const shapes: Record<string, number> = { a: 7, b: 1, c: 1000, d: 33 }
    const initial = Object.fromEntries(Object.entries(shapes).map(([k, n]) => [k, new Float32Array(n)]))
    const settings = { learningRate: 3e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8 }
    const simd = new ArrayAdam(initial, settings, { partialGradients: true })
    const loop = new ArrayAdam(initial, settings, { partialGradients: true, simd: false })
    for (const [i, k] of Object.keys(shapes).entries()) {
      for (const adam of [simd, loop]) {
        adam.grads[k].set(awkward(shapes[k], 20 + i))
        adam.partialGrads![k].set(awkward(shapes[k], 40 + i))
      }
    }
    const before = simd.grads.c.slice()
    for (let round = 0; round < 3; round++) {
      simd.addPartialGradients()
      loop.addPartialGradients()
    }
    for (const k of Object.keys(shapes)) expect(firstDifference(simd.grads[k], loop.grads[k]), `grads ${k}`).toBe(-1)
    // Summed, not copied: a value and its partial differ, so three additions moved it.
    expect(simd.grads.c[3]).toBe(Math.fround(Math.fround(Math.fround(before[3] + simd.partialGrads!.c[3]) + simd.partialGrads!.c[3]) + simd.partialGrads!.c[3]))
    expect(() => new ArrayAdam(initial, settings).addPartialGradients()).toThrow(/no partial gradients/)
  })

  it('Adam reads gradients written into its own buffers without a copy, and copies any others in', () => {
    const initial = { w: new Float32Array([0.5, -0.5, 0.25]) }
    const settings = { learningRate: 0.1, beta1: 0.9, beta2: 0.999, eps: 1e-8 }
    const a = new ArrayAdam(initial, settings)
    const b = new ArrayAdam(initial, settings)
    a.grads.w.set([1, -2, 0])
    a.apply(a.grads)
    b.apply({ w: new Float32Array([1, -2, 0]) })
    expect(firstDifference(a.params.w, b.params.w)).toBe(-1)
    expect(() => b.apply({ w: new Float32Array(2) })).toThrow(/no gradient of the right size for w/)
  })

  describe('sampling steps: ddimStep / ddpmStep (kernel) against ddimLoop / ddpmLoop', () => {
    const schedule = makeSchedule('cosine')
    for (const n of [1, 2, 3, 768 * 5 + 1]) {
      for (const clipX0 of [true, false]) {
        it(`${n} values, clip ${clipX0}`, () => {
          const xt = awkward(n, 1)
          const eps = awkward(n, 2)
          const noise = awkward(n, 3, 1)
          for (const j of [0, 1, 400, 999]) {
            for (const eta of [0, 0.7]) {
              const out = new Float32Array(n)
              ddimStep(schedule, j, { xt, eps, noise, clipX0, out }, eta)
              const ab = schedule.alphasCumprod[j]
              const abPrev = schedule.alphasCumprodPrev[j]
              const sigma = j > 0 ? eta * Math.sqrt((1 - abPrev) / (1 - ab)) * Math.sqrt(1 - ab / abPrev) : 0
              const k: StepCoefficients = { clipX0, a: Math.sqrt(ab), b: Math.sqrt(1 - ab), c: Math.sqrt(abPrev), d: Math.sqrt(Math.max(0, 1 - abPrev - sigma * sigma)), noiseScale: sigma }
              const ref = new Float32Array(n)
              ddimLoop(xt, eps, sigma > 0 ? noise : null, ref, k)
              expect(firstDifference(out, ref), `ddim j=${j} eta=${eta}`).toBe(-1)
            }
            const out = new Float32Array(n)
            ddpmStep(schedule, j, { xt, eps, noise, clipX0, out }, 'fixed_small')
            const beta = schedule.betas[j]
            const ab = schedule.alphasCumprod[j]
            const abPrev = schedule.alphasCumprodPrev[j]
            const variance = (beta * (1 - abPrev)) / (1 - ab)
            const k: StepCoefficients = {
              clipX0,
              a: schedule.sqrtAlphasCumprod[j],
              b: schedule.sqrtOneMinusAlphasCumprod[j],
              c: (beta * Math.sqrt(abPrev)) / (1 - ab),
              d: ((1 - abPrev) * Math.sqrt(schedule.alphas[j])) / (1 - ab),
              noiseScale: j > 0 ? Math.sqrt(variance) : 0
            }
            const ref = new Float32Array(n)
            ddpmLoop(xt, eps, j > 0 ? noise : null, ref, k)
            expect(firstDifference(out, ref), `ddpm j=${j}`).toBe(-1)
          }
        })
      }
    }

    it('the kernel is not a copy of its input: a clipped step differs from the unclipped one', () => {
      const xt = awkward(64, 5, 3)
      const eps = awkward(64, 6, 3)
      const a = new Float32Array(64)
      const b = new Float32Array(64)
      ddimStep(schedule, 999, { xt, eps, noise: null, clipX0: true, out: a }, 0)
      ddimStep(schedule, 999, { xt, eps, noise: null, clipX0: false, out: b }, 0)
      expect(firstDifference(a, b)).not.toBe(-1)
    })
  })
})
