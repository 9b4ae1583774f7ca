// Transpose, Slice, SplitV, Identity and Cast for tfjs-backend-wasm without the stock slow paths:
// Transpose there is a generic strided loop (~10 ns/element), Slice/SplitV copy the whole input out
// of the heap once per output, and Identity/Cast copy buffers the engine could share.
import { blockedTranspose, byteOffset, heapF32, sizeOf, type TensorInfoLike, type WasmBackend } from './heap'
import type { KernelFn } from './matmul'

const bytesPer = (dtype: string): number => (dtype === 'bool' ? 1 : 4)
const strides = (shape: number[]): number[] => {
  const s = new Array<number>(shape.length)
  let acc = 1
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc
    acc *= shape[i]
  }
  return s
}

/**
 * Copies the block [begin, begin+size) of x (row-major, element size `bpe`) into dst, contiguous.
 * Trailing full dimensions merge into one chunk, so each copy is as long as possible.
 */
function copyBlock(heap: Uint8Array, srcByte: number, shape: number[], begin: number[], size: number[], dstByte: number, bpe: number): void {
  const rank = shape.length
  const st = strides(shape)
  let k = rank - 1
  while (k > 0 && size[k] === shape[k]) k--
  const chunk = size[k] * st[k] * bpe
  const base = srcByte + begin[k] * st[k] * bpe
  const idx = new Array<number>(k).fill(0)
  const outer = sizeOf(size.slice(0, k))
  let dst = dstByte
  for (let n = 0; n < outer; n++) {
    let off = base
    for (let d = 0; d < k; d++) off += (begin[d] + idx[d]) * st[d] * bpe
    heap.copyWithin(dst, off, off + chunk)
    dst += chunk
    for (let d = k - 1; d >= 0; d--) {
      if (++idx[d] < size[d]) break
      idx[d] = 0
    }
  }
}

function normaliseSlice(shape: number[], begin: number[] | number, size: number[] | number | undefined): { begin: number[]; size: number[] } {
  const rank = shape.length
  const b = typeof begin === 'number' ? [begin, ...new Array<number>(rank - 1).fill(0)] : [...begin]
  while (b.length < rank) b.push(0)
  const s0 = size === undefined ? new Array<number>(rank).fill(-1) : typeof size === 'number' ? [size, ...new Array<number>(rank - 1).fill(-1)] : [...size]
  while (s0.length < rank) s0.push(-1)
  const s = s0.map((v, i) => (v === -1 ? shape[i] - b[i] : v))
  for (let i = 0; i < rank; i++) {
    if (b[i] < 0 || s[i] < 0 || b[i] + s[i] > shape[i]) throw new Error(`slice: begin ${b} + size ${s} out of bounds for shape ${shape}`)
  }
  return { begin: b, size: s }
}

export function shimSlice(backend: WasmBackend, stock: KernelFn): KernelFn {
  return (args) => {
    const x = args.inputs.x!
    if (x.dtype === 'string' || x.shape.length === 0) return stock(args)
    const { begin, size } = normaliseSlice(x.shape, args.attrs!.begin as number[], args.attrs!.size as number[])
    const out = backend.makeOutput(size, x.dtype)
    if (sizeOf(size) > 0) copyBlock(backend.wasm.HEAPU8, byteOffset(backend, x), x.shape, begin, size, byteOffset(backend, out), bytesPer(x.dtype))
    return out
  }
}

export function shimSplitV(backend: WasmBackend, stock: KernelFn): KernelFn {
  return (args) => {
    const x = args.inputs.x!
    if (x.dtype === 'string') return stock(args)
    const rank = x.shape.length
    let axis = args.attrs!.axis as number
    if (axis < 0) axis += rank
    const spec = args.attrs!.numOrSizeSplits as number | number[]
    const dim = x.shape[axis]
    let sizes: number[]
    if (typeof spec === 'number') {
      if (dim % spec !== 0) throw new Error(`split: ${dim} is not divisible by ${spec}`)
      sizes = new Array<number>(spec).fill(dim / spec)
    } else {
      sizes = [...spec]
      const free = sizes.indexOf(-1)
      if (free >= 0) sizes[free] = dim - sizes.reduce((s, v, i) => (i === free ? s : s + v), 0)
      if (sizes.reduce((s, v) => s + v, 0) !== dim) throw new Error(`split: sizes ${spec} do not sum to ${dim}`)
    }
    const outs: TensorInfoLike[] = []
    let start = 0
    for (const n of sizes) {
      const begin = new Array<number>(rank).fill(0)
      begin[axis] = start
      const size = [...x.shape]
      size[axis] = n
      const out = backend.makeOutput(size, x.dtype)
      if (sizeOf(size) > 0) copyBlock(backend.wasm.HEAPU8, byteOffset(backend, x), x.shape, begin, size, byteOffset(backend, out), bytesPer(x.dtype))
      outs.push(out)
      start += n
    }
    return outs
  }
}

/**
 * Transpose fast paths: a swap of the last two axes (a blocked 2-D transpose per leading index) and
 * permutations that keep the last axis in place (row copies). Other permutations use the stock kernel.
 */
export function shimTranspose(backend: WasmBackend, stock: KernelFn): KernelFn {
  return (args) => {
    const x = args.inputs.x!
    const perm = args.attrs!.perm as number[]
    const rank = x.shape.length
    if (x.dtype !== 'float32' || rank < 2 || sizeOf(x.shape) === 0) return stock(args)
    const outShape = perm.map((p) => x.shape[p])
    const leadingKept = perm.slice(0, rank - 2).every((p, i) => p === i)
    if (leadingKept && perm[rank - 2] === rank - 1 && perm[rank - 1] === rank - 2) {
      const out = backend.makeOutput(outShape, 'float32')
      const heap = heapF32(backend)
      const rows = x.shape[rank - 2]
      const cols = x.shape[rank - 1]
      blockedTranspose(heap, byteOffset(backend, x) >>> 2, byteOffset(backend, out) >>> 2, rows, cols, sizeOf(x.shape.slice(0, -2)))
      return out
    }
    if (perm[rank - 1] !== rank - 1) return stock(args)
    const out = backend.makeOutput(outShape, 'float32')
    const heap = heapF32(backend)
    const row = x.shape[rank - 1]
    const st = strides(x.shape)
    // Source stride of each output axis (except the last, which is the contiguous row).
    const srcStride = perm.slice(0, rank - 1).map((p) => st[p])
    const dims = outShape.slice(0, rank - 1)
    const idx = new Array<number>(rank - 1).fill(0)
    const src0 = byteOffset(backend, x) >>> 2
    let dst = byteOffset(backend, out) >>> 2
    const rows = sizeOf(dims)
    let src = src0
    for (let n = 0; n < rows; n++) {
      heap.copyWithin(dst, src, src + row)
      dst += row
      // Odometer over the output axes, keeping the source offset in step.
      for (let d = rank - 2; d >= 0; d--) {
        src += srcStride[d]
        if (++idx[d] < dims[d]) break
        src -= srcStride[d] * dims[d]
        idx[d] = 0
      }
    }
    return out
  }
}

/** Identity shares the input buffer (refcounted), as tfjs-backend-cpu does; the stock wasm kernel copies it. */
export function shimIdentity(backend: WasmBackend, stock: KernelFn): KernelFn {
  return (args) => {
    const x = args.inputs.x!
    if (x.dtype === 'string') return stock(args)
    backend.incRef(x.dataId)
    return { dataId: x.dataId, shape: [...x.shape], dtype: x.dtype }
  }
}

export function shimCast(backend: WasmBackend, stock: KernelFn): KernelFn {
  return (args) => {
    const x = args.inputs.x!
    if (args.attrs!.dtype !== x.dtype || x.dtype === 'string') return stock(args)
    backend.incRef(x.dataId)
    return { dataId: x.dataId, shape: [...x.shape], dtype: x.dtype }
  }
}
