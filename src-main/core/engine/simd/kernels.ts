// The WebAssembly SIMD kernels of kernels.wat (Adam, weight averaging, gradient accumulation, the DDIM and
// DDPM steps) and the fixed-size memories they work in. The kernels give the same bits as the TypeScript
// loops they stand in for (the same operations in the same order and precision), several elements at a
// time and without the branch on the x0 clip; a runtime without WebAssembly SIMD gets null from
// KernelArena.forArrays() and the callers keep their loops.
import { KERNELS_WASM_BASE64 } from './kernels-wasm'

export interface KernelExports {
  adam(p: number, m: number, v: number, g: number, n: number, beta1: number, beta2: number, c1: number, c2: number, alpha: number, epsHat: number): void
  average(avg: number, p: number, n: number, d: number, oneMinusD: number): void
  accumulate(dst: number, src: number, n: number): void
  ddim(xt: number, eps: number, noise: number, out: number, n: number, clip: number, sa: number, s1a: number, saPrev: number, dirCoef: number, sigma: number): void
  ddpm(xt: number, eps: number, noise: number, out: number, n: number, clip: number, sa: number, s1a: number, c1: number, c2: number, std: number): void
}

// The part of the WebAssembly API used here: the main process compiles against ES2023 and Node's types,
// which leave WebAssembly to the DOM library.
type WasmModule = object
interface WasmMemory {
  readonly buffer: ArrayBuffer
}
declare const WebAssembly: {
  Module: new (bytes: Uint8Array) => WasmModule
  Memory: new (descriptor: { initial: number; maximum: number }) => WasmMemory
  Instance: new (module: WasmModule, imports: Record<string, Record<string, unknown>>) => { exports: Record<string, unknown> }
}

const PAGE = 65536

let compiled: WasmModule | null | undefined

/** The compiled kernel module, or null where the runtime cannot run WebAssembly SIMD. */
function kernelModule(): WasmModule | null {
  if (compiled === undefined) {
    try {
      compiled = new WebAssembly.Module(Buffer.from(KERNELS_WASM_BASE64, 'base64'))
    } catch {
      compiled = null
    }
  }
  return compiled
}

/**
 * n floats rounded up to whole 16-byte blocks: the length every kernel works on (Adam four floats at a
 * time, the steps two), and the room alloc() gives an array, so arrays start aligned.
 */
export function paddedFloats(n: number): number {
  return Math.ceil(n / 4) * 4
}

/**
 * A WebAssembly memory of fixed size holding float32 arrays, with a kernel instance bound to it. The
 * memory never grows (growing would detach every view handed out), so arrays from alloc() stay valid
 * for the arena's lifetime. Offset 0 is never handed out: the kernels read it as "no array".
 */
export class KernelArena {
  private next = 16

  private constructor(
    private readonly memory: WasmMemory,
    readonly kernels: KernelExports,
    private readonly capacity: number
  ) {}

  /** An arena with room for arrays of these float counts, or null without WebAssembly SIMD. */
  static forArrays(counts: readonly number[]): KernelArena | null {
    const module = kernelModule()
    if (!module) return null
    const bytes = 16 + counts.reduce((t, n) => t + paddedFloats(n) * 4, 0)
    const pages = Math.max(1, Math.ceil(bytes / PAGE))
    const memory = new WebAssembly.Memory({ initial: pages, maximum: pages })
    const instance = new WebAssembly.Instance(module, { env: { memory } })
    return new KernelArena(memory, instance.exports as unknown as KernelExports, pages * PAGE)
  }

  /** A zeroed float32 array of n elements inside the arena (its padding is zeroed too). */
  alloc(n: number): Float32Array {
    if (!Number.isInteger(n) || n < 0) throw new Error(`kernel arena: array length must be a non-negative integer, got ${n}`)
    const bytes = paddedFloats(n) * 4
    if (this.next + bytes > this.capacity) throw new Error(`kernel arena: no room for ${n} floats (${this.capacity - this.next} bytes left)`)
    const view = new Float32Array(this.memory.buffer, this.next, n)
    this.next += bytes
    return view
  }

  /** The byte offset of an array from alloc(), which the kernels take as its address. */
  offsetOf(view: Float32Array): number {
    if (view.buffer !== this.memory.buffer) throw new Error('kernel arena: the array does not live in this arena')
    return view.byteOffset
  }
}

/** Scratch arrays for one kernel call over n floats: a kept arena, replaced by a larger one when needed. */
export class KernelScratch {
  private arena: KernelArena | null = null
  private arrays: Float32Array[] = []
  private size = -1

  /**
   * `count` zeroed-or-reused arrays of n floats each (padded with paddedFloats), and the arena holding
   * them; null without WebAssembly SIMD. The arrays are reused by the next call.
   */
  arraysFor(n: number, count: number): { arena: KernelArena; arrays: Float32Array[] } | null {
    const padded = paddedFloats(n)
    if (this.arena === null || this.size < padded || this.arrays.length < count) {
      const arena = KernelArena.forArrays(new Array<number>(count).fill(padded))
      if (!arena) return null
      this.arena = arena
      this.arrays = Array.from({ length: count }, () => arena.alloc(padded))
      this.size = padded
    }
    return { arena: this.arena, arrays: this.arrays.map((a) => a.subarray(0, padded)) }
  }
}
