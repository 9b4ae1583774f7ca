// Typed access to the private parts of tfjs-backend-wasm 4.22 that the kernel shim needs. The fields
// are not public API, so everything that touches them lives here, checked once at install time.

export interface TensorInfoLike {
  dataId: object
  shape: number[]
  dtype: string
}

interface TensorData {
  id: number
  memoryOffset: number
  shape: number[]
  dtype: string
  refCount: number
}

export interface WasmModule {
  HEAPU8: Uint8Array
  cwrap(name: string, ret: null, args: string[]): (...args: unknown[]) => void
  tfjs: { disposeData(id: number): void }
}

export interface WasmBackend {
  wasm: WasmModule
  dataIdMap: { get(dataId: object): TensorData | undefined; delete(dataId: object): void }
  makeOutput(shape: number[], dtype: string, memoryOffset?: number): TensorInfoLike
  disposeData(dataId: object, force?: boolean): boolean
  incRef(dataId: object): void
}

/** Throws if the backend lacks the private fields the shim relies on (e.g. after a tfjs upgrade). */
export function asWasmBackend(backend: unknown): WasmBackend {
  const b = backend as Partial<WasmBackend> | null
  if (!b || !b.wasm || typeof b.wasm.cwrap !== 'function' || !b.dataIdMap || typeof b.makeOutput !== 'function' || typeof b.incRef !== 'function') {
    throw new Error('wasm shim: the active backend is not the tfjs-backend-wasm 4.22 layout it was written for')
  }
  return b as WasmBackend
}

export function tensorData(backend: WasmBackend, t: TensorInfoLike): TensorData {
  const d = backend.dataIdMap.get(t.dataId)
  if (!d) throw new Error('wasm shim: tensor data is not on the wasm backend (disposed?)')
  return d
}

export function wasmId(backend: WasmBackend, t: TensorInfoLike): number {
  return tensorData(backend, t).id
}

export function byteOffset(backend: WasmBackend, t: TensorInfoLike): number {
  return tensorData(backend, t).memoryOffset
}

/**
 * A float32 view of a tensor on the heap. Allocation can grow (and so replace) the heap buffer, so
 * take views only after every makeOutput of the kernel has happened.
 */
export function f32(backend: WasmBackend, t: TensorInfoLike): Float32Array {
  return new Float32Array(backend.wasm.HEAPU8.buffer, byteOffset(backend, t), sizeOf(t.shape))
}

export function heapF32(backend: WasmBackend): Float32Array {
  const buf = backend.wasm.HEAPU8.buffer
  return new Float32Array(buf, 0, buf.byteLength >>> 2)
}

export function sizeOf(shape: readonly number[]): number {
  let n = 1
  for (const d of shape) n *= d
  return n
}

/**
 * A tensor registered with the C++ side that aliases memory owned by another tensor, so XNNPACK can
 * run on a sub-range without a copy. Release it with dropView, never disposeData (which would free
 * memory the view does not own).
 */
export function makeView(backend: WasmBackend, shape: number[], memoryOffset: number): TensorInfoLike {
  return backend.makeOutput(shape, 'float32', memoryOffset)
}

export function dropView(backend: WasmBackend, view: TensorInfoLike): void {
  const d = backend.dataIdMap.get(view.dataId)
  if (!d) return
  // disposeData on the C++ side runs its disposal callbacks (cached XNNPACK operators keyed by id).
  backend.wasm.tfjs.disposeData(d.id)
  backend.dataIdMap.delete(view.dataId)
}

/** Transposes `count` row-major [rows, cols] matrices from src into [cols, rows] at dst, blockwise for cache locality. */
export function blockedTranspose(heap: Float32Array, src: number, dst: number, rows: number, cols: number, count = 1): void {
  const BS = 32
  const mat = rows * cols
  for (let m = 0; m < count; m++) {
    const s0 = src + m * mat
    const d0 = dst + m * mat
    for (let r0 = 0; r0 < rows; r0 += BS) {
      const r1 = Math.min(rows, r0 + BS)
      for (let c0 = 0; c0 < cols; c0 += BS) {
        const c1 = Math.min(cols, c0 + BS)
        for (let r = r0; r < r1; r++) {
          const srow = s0 + r * cols
          for (let c = c0; c < c1; c++) heap[d0 + c * rows + r] = heap[srow + c]
        }
      }
    }
  }
}
