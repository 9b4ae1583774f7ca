// Adam over plain Float32Arrays, for the onnxruntime trainer (the graph returns gradients; the update
// runs here). The tfjs Adam's formula (engine/train/adam.ts): bias corrections folded into the step size
// and ε (computed in float64, then used as float32 constants), and the same exportable state, so
// checkpoints are interchangeable between backends. The update itself is float32 arithmetic, as the
// parameters are and as tfjs and PyTorch do it.
//
// The parameters, moments, gradients and weight average live in one WebAssembly memory (simd/kernels.ts)
// and the update is one SIMD kernel call over all of them, four floats at a time: 0.4 ms for the base
// model's 717k parameters (a float64 loop took 3.1 ms). Where WebAssembly SIMD is missing, the arrays
// are plain and the loop below runs, rounding every operation to float32 with Math.fround, which gives
// the kernel's bits exactly.
import type { AdamSettings, AdamState } from '../train/adam'
import { KernelArena, paddedFloats } from '../simd/kernels'

type Tensors = Record<string, Float32Array>

/** One float32 block per role, each holding every parameter back to back in the same order. */
interface Blocks {
  params: Float32Array
  m: Float32Array
  v: Float32Array
  grads: Float32Array
  average: Float32Array | null
  partial: Float32Array | null
}

export interface ArrayAdamOptions {
  /** Keep a running weight average (EMA). */
  average?: boolean
  /** A second gradient block for steps run as several micro-batches (addPartialGradients). */
  partialGradients?: boolean
  /** false runs the plain loops (the fallback, which the tests hold to the kernels' bits). */
  simd?: boolean
}

function viewsOf(block: Float32Array, sizes: readonly (readonly [string, number])[]): Tensors {
  const out: Tensors = {}
  let at = 0
  for (const [name, n] of sizes) {
    out[name] = block.subarray(at, at + n)
    at += n
  }
  return out
}

export class ArrayAdam {
  /** The weights, updated in place by apply(). */
  readonly params: Tensors
  /** Buffers a gradient pass may write into directly (OrtGradSession); apply() copies any other arrays in. */
  readonly grads: Tensors
  /** The running weight average (EMA), when one was asked for. */
  readonly average: Tensors | null
  /** Where a micro-batch's gradient pass writes before addPartialGradients() sums it in, when asked for. */
  readonly partialGrads: Tensors | null
  private readonly m: Tensors
  private readonly v: Tensors
  private readonly blocks: Blocks
  private readonly arena: KernelArena | null
  private stepCount = 0

  /** `initial` gives the parameters' names, order and starting values. */
  constructor(
    initial: Readonly<Tensors>,
    private readonly settings: AdamSettings,
    options: ArrayAdamOptions = {}
  ) {
    const sizes = Object.entries(initial).map(([name, p]) => [name, p.length] as const)
    const total = sizes.reduce((t, [, n]) => t + n, 0)
    // The kernel's length (four floats at a time); the padding is never read back.
    const n = paddedFloats(total)
    const roles = 4 + (options.average ? 1 : 0) + (options.partialGradients ? 1 : 0)
    this.arena = options.simd === false ? null : KernelArena.forArrays(new Array<number>(roles).fill(n))
    const alloc = (): Float32Array => (this.arena ? this.arena.alloc(n) : new Float32Array(n))
    this.blocks = { params: alloc(), m: alloc(), v: alloc(), grads: alloc(), average: options.average ? alloc() : null, partial: options.partialGradients ? alloc() : null }
    this.params = viewsOf(this.blocks.params, sizes)
    this.m = viewsOf(this.blocks.m, sizes)
    this.v = viewsOf(this.blocks.v, sizes)
    this.grads = viewsOf(this.blocks.grads, sizes)
    this.average = this.blocks.average ? viewsOf(this.blocks.average, sizes) : null
    this.partialGrads = this.blocks.partial ? viewsOf(this.blocks.partial, sizes) : null
    for (const [name, p] of Object.entries(initial)) {
      this.params[name].set(p)
      this.average?.[name].set(p)
    }
  }

  get step(): number {
    return this.stepCount
  }

  /** One update of every parameter in place (each must have a gradient of its size). */
  apply(grads: Readonly<Tensors>): void {
    const f = Math.fround
    const { learningRate, beta1, beta2, eps } = this.settings
    const t = this.stepCount + 1
    const alpha = f((learningRate * Math.sqrt(1 - beta2 ** t)) / (1 - beta1 ** t))
    const epsHat = f(eps * Math.sqrt(1 - beta2 ** t))
    const b1 = f(beta1)
    const b2 = f(beta2)
    const c1 = f(1 - beta1)
    const c2 = f(1 - beta2)
    for (const [name, own] of Object.entries(this.grads)) {
      const g = grads[name]
      if (!g || g.length !== own.length) throw new Error(`adam: no gradient of the right size for ${name}`)
      if (g !== own) own.set(g)
    }
    const b = this.blocks
    if (this.arena) {
      const at = (a: Float32Array): number => this.arena!.offsetOf(a)
      this.arena.kernels.adam(at(b.params), at(b.m), at(b.v), at(b.grads), b.params.length, b1, b2, c1, c2, alpha, epsHat)
    } else {
      const { params: p, m, v, grads: g } = b
      for (let i = 0; i < p.length; i++) {
        const gi = g[i]
        const mi = (m[i] = f(f(m[i] * b1) + f(gi * c1)))
        const vi = (v[i] = f(f(v[i] * b2) + f(f(gi * gi) * c2)))
        p[i] = f(p[i] - f(f(alpha * mi) / f(f(Math.sqrt(vi)) + epsHat)))
      }
    }
    this.stepCount = t
  }

  /** grads += partialGrads, in float32 (the next micro-batch's share of a step's gradient). */
  addPartialGradients(): void {
    const { grads: g, partial } = this.blocks
    if (!partial) throw new Error('adam: this run keeps no partial gradients')
    if (this.arena) this.arena.kernels.accumulate(this.arena.offsetOf(g), this.arena.offsetOf(partial), g.length)
    else for (let i = 0; i < g.length; i++) g[i] = Math.fround(g[i] + partial[i])
  }

  /** Folds the current weights into the average: avg = avg·d + p·(1 − d), in float32. */
  updateAverage(d: number): void {
    const { average: avg, params: p } = this.blocks
    if (!avg) throw new Error('adam: this run keeps no weight average')
    const f = Math.fround
    const keep = f(1 - d)
    const d32 = f(d)
    if (this.arena) this.arena.kernels.average(this.arena.offsetOf(avg), this.arena.offsetOf(p), avg.length, d32, keep)
    else for (let i = 0; i < avg.length; i++) avg[i] = f(f(avg[i] * d32) + f(p[i] * keep))
  }

  exportState(): AdamState {
    const copy = (t: Tensors) => Object.fromEntries(Object.entries(t).map(([k, a]) => [k, a.slice()]))
    return { step: this.stepCount, m: copy(this.m), v: copy(this.v) }
  }

  loadState(state: AdamState): void {
    if (!Number.isInteger(state.step) || state.step < 0) throw new Error(`adam state: step must be a non-negative integer, got ${state.step}`)
    for (const name of Object.keys(this.params)) {
      for (const [kind, table, store] of [
        ['m', state.m, this.m],
        ['v', state.v, this.v]
      ] as const) {
        const values = table[name]
        if (!values || values.length !== store[name].length) throw new Error(`adam state: ${kind} for ${name} is missing or has the wrong size`)
        store[name].set(values)
      }
    }
    this.stepCount = state.step
  }

  /** Sets the weight average (a resumed run's EMA). */
  loadAverage(values: Readonly<Tensors>): void {
    if (!this.average) throw new Error('adam: this run keeps no weight average')
    for (const [name, a] of Object.entries(this.average)) {
      const v = values[name]
      if (!v || v.length !== a.length) throw new Error(`adam: the weight average lacks ${name} or has the wrong size`)
      a.set(v)
    }
  }
}
