// BatchMatMul / _FusedMatMul for tfjs-backend-wasm that always reach XNNPACK's fast path.
// Stock 4.22 uses XNNPACK only for batch-1 products without transpose flags; every gradient matMul
// (dA = dy·bᵀ, dB = aᵀ·dy) and every batched product (attention) falls into a scalar loop that is
// 10-20x slower. Here transposes are materialised on the heap, a batch sharing one B is folded into
// rows, and true batched products run as batch-1 calls on zero-copy views.
import { blockedTranspose, byteOffset, dropView, heapF32, makeView, sizeOf, wasmId, type TensorInfoLike, type WasmBackend } from './heap'

export interface KernelArgs {
  inputs: Record<string, TensorInfoLike | undefined>
  backend: unknown
  attrs?: Record<string, unknown>
}
export type KernelFn = (args: KernelArgs) => TensorInfoLike | TensorInfoLike[]

interface Operands {
  batchA: number
  batchB: number
  M: number
  K: number
  N: number
  outShape: number[]
}

function operands(a: TensorInfoLike, b: TensorInfoLike, transposeA: boolean, transposeB: boolean): Operands | null {
  const ra = a.shape.length
  const rb = b.shape.length
  if (ra < 2 || rb < 2) return null
  const M = transposeA ? a.shape[ra - 1] : a.shape[ra - 2]
  const K = transposeA ? a.shape[ra - 2] : a.shape[ra - 1]
  const Kb = transposeB ? b.shape[rb - 1] : b.shape[rb - 2]
  const N = transposeB ? b.shape[rb - 2] : b.shape[rb - 1]
  if (K !== Kb) {
    throw new Error(`Error in matMul: inner shapes (${K}) and (${Kb}) of Tensors with shapes ${a.shape} and ${b.shape} and transposeA=${transposeA} and transposeB=${transposeB} must match.`)
  }
  const outerA = a.shape.slice(0, -2)
  const outerB = b.shape.slice(0, -2)
  const batchA = sizeOf(outerA)
  const batchB = sizeOf(outerB)
  // Only the layouts the model produces: equal batch dims, or one side unbatched. Anything else
  // (general broadcasting) goes to the stock kernel.
  let outer: number[]
  if (batchB === 1 && outerB.every((d) => d === 1)) outer = outerA.length >= outerB.length ? outerA : outerB
  else if (batchA === 1 && outerA.every((d) => d === 1)) outer = outerB.length >= outerA.length ? outerB : outerA
  else if (outerA.length === outerB.length && outerA.every((d, i) => d === outerB[i])) outer = outerA
  else return null
  if (M * K * N === 0) return null
  return { batchA, batchB, M, K, N, outShape: [...outer, M, N] }
}

const shapeBytes = (shape: number[]): Uint8Array => new Uint8Array(new Int32Array(shape).buffer)

/** Copies a (transposed) operand into a fresh [batch, rows, cols] tensor so XNNPACK can take it unflagged. */
function materialiseTransposed(backend: WasmBackend, x: TensorInfoLike, batch: number, rows: number, cols: number): TensorInfoLike {
  const t = backend.makeOutput([batch, rows, cols], 'float32')
  const heap = heapF32(backend)
  // x holds [batch, cols, rows]; write [batch, rows, cols].
  blockedTranspose(heap, byteOffset(backend, x) >>> 2, byteOffset(backend, t) >>> 2, cols, rows, batch)
  return t
}

export function shimBatchMatMul(wasmBackend: WasmBackend, stock: KernelFn): KernelFn {
  const call = wasmBackend.wasm.cwrap('BatchMatMul', null, ['number', 'array', 'number', 'number', 'array', 'number', 'number', 'number', 'number'])
  const fast = (aId: number, aShape: number[], bId: number, bShape: number[], outId: number): void => call(aId, shapeBytes(aShape), 3, bId, shapeBytes(bShape), 3, 0, 0, outId)

  return (args) => {
    const a = args.inputs.a!
    const b = args.inputs.b!
    const transposeA = Boolean(args.attrs?.transposeA)
    const transposeB = Boolean(args.attrs?.transposeB)
    if (a.dtype !== 'float32' || b.dtype !== 'float32') return stock(args)
    const op = operands(a, b, transposeA, transposeB)
    if (!op) return stock(args)
    const backend = wasmBackend
    const { batchA, batchB, M, K, N } = op
    const batch = Math.max(batchA, batchB)
    const aT = transposeA ? materialiseTransposed(backend, a, batchA, M, K) : null
    const bT = transposeB ? materialiseTransposed(backend, b, batchB, K, N) : null
    const A = aT ?? a
    const B = bT ?? b
    const out = backend.makeOutput([batch, M, N], 'float32')
    if (batchB === 1) {
      // One B for every batch of A: fold A's batch into rows, a single XNNPACK call.
      fast(wasmId(backend, A), [1, batchA * M, K], wasmId(backend, B), [1, K, N], wasmId(backend, out))
    } else {
      const aBase = byteOffset(backend, A)
      const bBase = byteOffset(backend, B)
      const oBase = byteOffset(backend, out)
      for (let i = 0; i < batch; i++) {
        const av = batchA === 1 ? null : makeView(backend, [1, M, K], aBase + i * M * K * 4)
        const bv = makeView(backend, [1, K, N], bBase + i * K * N * 4)
        const ov = makeView(backend, [1, M, N], oBase + i * M * N * 4)
        fast(wasmId(backend, av ?? A), [1, M, K], wasmId(backend, bv), [1, K, N], wasmId(backend, ov))
        if (av) dropView(backend, av)
        dropView(backend, bv)
        dropView(backend, ov)
      }
    }
    if (aT) backend.disposeData(aT.dataId)
    if (bT) backend.disposeData(bT.dataId)
    out.shape = op.outShape
    return out
  }
}

/** _FusedMatMul (tf.fused.matMul): materialise transposes of unbatched operands, then the stock fused kernel is on XNNPACK. */
export function shimFusedMatMul(wasmBackend: WasmBackend, stock: KernelFn): KernelFn {
  return (args) => {
    const a = args.inputs.a!
    const b = args.inputs.b!
    const transposeA = Boolean(args.attrs?.transposeA)
    const transposeB = Boolean(args.attrs?.transposeB)
    if (!transposeA && !transposeB) return stock(args)
    if (a.dtype !== 'float32' || b.dtype !== 'float32') return stock(args)
    const op = operands(a, b, transposeA, transposeB)
    if (!op || op.batchA !== 1 || op.batchB !== 1) return stock(args)
    const aT = transposeA ? materialiseTransposed(wasmBackend, a, 1, op.M, op.K) : null
    const bT = transposeB ? materialiseTransposed(wasmBackend, b, 1, op.K, op.N) : null
    try {
      return stock({
        ...args,
        inputs: { ...args.inputs, a: aT ?? a, b: bT ?? b },
        attrs: { ...args.attrs, transposeA: false, transposeB: false }
      })
    } finally {
      if (aT) wasmBackend.disposeData(aT.dataId)
      if (bT) wasmBackend.disposeData(bT.dataId)
    }
  }
}
