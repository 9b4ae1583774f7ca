// Sum over leading or middle axes for tfjs-backend-wasm. The stock kernel first transposes the
// reduced axes innermost with its slow generic transpose; bias gradients and the gradients of
// broadcast adds are exactly this case ([B*T, D] summed over axis 0).
import { f32, sizeOf, type WasmBackend } from './heap'
import type { KernelFn } from './matmul'

export function shimSum(backend: WasmBackend, stock: KernelFn): KernelFn {
  return (args) => {
    const x = args.inputs.x!
    const rank = x.shape.length
    if (x.dtype !== 'float32' || rank < 2 || sizeOf(x.shape) === 0) return stock(args)
    const raw = args.attrs!.axis as number | number[] | null | undefined
    const axes = (raw == null ? [...Array(rank).keys()] : Array.isArray(raw) ? raw : [raw]).map((a) => (a < 0 ? a + rank : a))
    const sorted = [...new Set(axes)].sort((p, q) => p - q)
    const first = sorted[0]
    const last = sorted[sorted.length - 1]
    // Contiguous axes not touching the innermost one; anything else is fine on the stock path.
    if (last === rank - 1 || last - first + 1 !== sorted.length) return stock(args)
    const outer = sizeOf(x.shape.slice(0, first))
    const red = sizeOf(x.shape.slice(first, last + 1))
    const inner = sizeOf(x.shape.slice(last + 1))
    const keepDims = Boolean(args.attrs!.keepDims)
    const outShape = keepDims ? x.shape.map((d, i) => (i >= first && i <= last ? 1 : d)) : x.shape.filter((_, i) => i < first || i > last)
    const out = backend.makeOutput(outShape, 'float32')
    const src = f32(backend, x)
    const dst = f32(backend, out)
    // Accumulate in float64: summing thousands of rows in float32 drifts visibly.
    const acc = new Float64Array(inner)
    for (let o = 0; o < outer; o++) {
      acc.fill(0)
      let base = o * red * inner
      for (let r = 0; r < red; r++, base += inner) {
        let i = 0
        for (; i + 3 < inner; i += 4) {
          acc[i] += src[base + i]
          acc[i + 1] += src[base + i + 1]
          acc[i + 2] += src[base + i + 2]
          acc[i + 3] += src[base + i + 3]
        }
        for (; i < inner; i++) acc[i] += src[base + i]
      }
      dst.set(acc, o * inner)
    }
    return out
  }
}
