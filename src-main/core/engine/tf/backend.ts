// Loads TensorFlow.js with the fastest backend this machine can run and says which one it got.
// Order: the native bindings (GPU, then CPU) when they are installed and load, else the WebAssembly
// backend with the kernel shim. The native packages are optional dependencies whose install often
// fails (their postinstall downloads libtensorflow), so they are required at run time and every
// failure is recorded, never thrown.
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import type * as TF from '@tensorflow/tfjs'
import { installWasmShim } from './wasm-shim'

export type Tf = typeof TF

export interface BackendInfo {
  /** tfjs backend name: 'tensorflow' (native) or 'wasm'. */
  name: string
  /** Which package provided it, for the UI. */
  package: '@tensorflow/tfjs-node-gpu' | '@tensorflow/tfjs-node' | '@tensorflow/tfjs-backend-wasm'
  threads: number
  /** Kernels replaced by the wasm shim (empty on native backends). */
  shimmedKernels: string[]
  /** Why each faster option was not used. */
  skipped: { package: string; reason: string }[]
}

export interface LoadedTf {
  tf: Tf
  info: BackendInfo
}

export interface LoadOptions {
  /** Skip the native bindings even if they load (tests want the wasm path deterministically). */
  preferWasm?: boolean
  /** Install the kernel shim on wasm (default true; false only for comparisons in benches/tests). */
  shim?: boolean
}

// `require` exists under CommonJS (bundled main process, tsx); ESM contexts (vitest) build one.
const localRequire: NodeRequire = typeof require === 'function' ? require : createRequire(import.meta.url)

let loading: Promise<LoadedTf> | null = null

/** Loads once per process; later calls return the same tfjs instance and info. */
export function loadTf(options: LoadOptions = {}): Promise<LoadedTf> {
  if (!loading) loading = loadOnce(options)
  return loading
}

async function loadOnce(options: LoadOptions): Promise<LoadedTf> {
  const skipped: BackendInfo['skipped'] = []
  if (!options.preferWasm) {
    for (const pkg of ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node'] as const) {
      try {
        // Resolved at run time only: bundlers keep it external and a missing package is just a skip.
        localRequire(pkg)
        const tf = localRequire('@tensorflow/tfjs') as Tf
        if (await tf.setBackend('tensorflow')) {
          await tf.ready()
          return { tf, info: { name: 'tensorflow', package: pkg, threads: 0, shimmedKernels: [], skipped } }
        }
        skipped.push({ package: pkg, reason: 'loaded but the tensorflow backend did not initialise' })
      } catch (err) {
        skipped.push({ package: pkg, reason: firstLine(err) })
      }
    }
  }
  // The union package registers every gradient on the shared tfjs-core; tfjs-core alone has none in Node.
  const tf = localRequire('@tensorflow/tfjs') as Tf
  const wasm = localRequire('@tensorflow/tfjs-backend-wasm') as typeof import('@tensorflow/tfjs-backend-wasm')
  const wasmDir = dirname(localRequire.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'))
  wasm.setWasmPaths(join(wasmDir, '/'))
  if (!(await tf.setBackend('wasm'))) throw new Error('tfjs: the wasm backend failed to initialise; no backend is available')
  await tf.ready()
  const shimmedKernels = options.shim === false ? [] : installWasmShim(tf)
  return {
    tf,
    info: { name: 'wasm', package: '@tensorflow/tfjs-backend-wasm', threads: wasm.getThreadsCount(), shimmedKernels, skipped }
  }
}

function firstLine(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err)
  return text.split('\n')[0].slice(0, 300)
}

/** One line for logs and the status bar, e.g. "wasm (XNNPACK + shim, 1 thread)". */
export function describeBackend(info: BackendInfo): string {
  if (info.name !== 'wasm') return `${info.package} (native)`
  const shim = info.shimmedKernels.length > 0 ? ' + kernel shim' : ''
  return `tfjs wasm${shim}, ${info.threads} thread${info.threads === 1 ? '' : 's'}`
}
