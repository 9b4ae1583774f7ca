// Installs the kernel shim on tfjs-backend-wasm (docs/methods/engine-performance.md §tfjs on wasm): re-registers the kernels whose
// stock wasm versions fall into scalar or copying code, each delegating to the stock kernel for any
// case it does not cover. Transparent to model code; call once after tf.setBackend('wasm').
import type * as TF from '@tensorflow/tfjs'
import { asWasmBackend, type WasmBackend } from './shim/heap'
import { shimBatchMatMul, shimFusedMatMul, type KernelFn } from './shim/matmul'
import { shimCast, shimIdentity, shimSlice, shimSplitV, shimTranspose } from './shim/data-movement'
import { shimSum } from './shim/sum'

type Tf = typeof TF
type Shim = (backend: WasmBackend, stock: KernelFn) => KernelFn

const SHIMS: Record<string, Shim> = {
  BatchMatMul: shimBatchMatMul,
  _FusedMatMul: shimFusedMatMul,
  Transpose: shimTranspose,
  Slice: shimSlice,
  SplitV: shimSplitV,
  Sum: shimSum,
  Identity: shimIdentity,
  Cast: shimCast
}

const installed = new WeakSet<object>()

/** Returns the names of the kernels it replaced. Idempotent per backend instance. */
export function installWasmShim(tf: Tf): string[] {
  if (tf.getBackend() !== 'wasm') throw new Error(`wasm shim: the active tfjs backend is '${tf.getBackend()}', not 'wasm'`)
  const raw = tf.backend()
  const backend = asWasmBackend(raw)
  if (installed.has(raw)) return Object.keys(SHIMS)
  for (const [name, make] of Object.entries(SHIMS)) {
    const stockConfig = tf.getKernel(name, 'wasm')
    if (!stockConfig) throw new Error(`wasm shim: no stock wasm kernel '${name}' to wrap`)
    const stock = stockConfig.kernelFunc as unknown as KernelFn
    const shim = make(backend, stock)
    tf.unregisterKernel(name, 'wasm')
    // No setupFunc: the stock kernel's setup already ran when the backend initialised, and the shim
    // calls the stock function (or its own cwrap) directly.
    tf.registerKernel({ kernelName: name, backendName: 'wasm', kernelFunc: shim as unknown as TF.KernelFunc })
  }
  installed.add(raw)
  return Object.keys(SHIMS)
}
