// Runs a training job in a worker thread and exposes it as a small typed handle for the main
// process, the CLI and the API layer. Progress arrives already throttled by the worker.
import { Worker } from 'node:worker_threads'
import { existsSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { TrainJob, WorkerMessage } from './protocol'

export interface TrainHandle {
  pause(): void
  resume(): void
  cancel(): void
  /** Settles with the 'done' message, or rejects with the worker's error. */
  result: Promise<Extract<WorkerMessage, { type: 'done' }>>
  /** Kills the thread at once (no final checkpoint); the last periodic one remains. */
  terminate(): Promise<void>
}

export interface HostOptions {
  /** Explicit worker script; by default the built bundle next to this file, else the TS source. */
  workerPath?: string
  onMessage?: (m: WorkerMessage) => void
}

const here = typeof __dirname === 'string' ? __dirname : dirname(fileURLToPath(import.meta.url))

/** The worker entry: the bundled engine.worker.js beside the main bundle, or the TypeScript source. */
export function defaultWorkerPath(): string {
  // Bundled: out/main/engine.worker.js, seen from out/main or from a chunk in out/main/chunks.
  for (const candidate of [join(here, 'engine.worker.js'), join(here, '..', 'engine.worker.js')]) if (existsSync(candidate)) return candidate
  const source = resolve(here, '../../worker/engine.worker.ts')
  if (existsSync(source)) return source
  throw new Error(`engine worker not found: no engine.worker.js beside ${here} and no source at ${source}`)
}

export function startTraining(job: TrainJob, options: HostOptions = {}): TrainHandle {
  const file = options.workerPath ?? defaultWorkerPath()
  // TypeScript sources (tests, `npm run cli`) need tsx inside the worker too. `execArgv: ['--import',
  // 'tsx']` does not reach a worker's entry on Node 20 (its loader hooks live on another thread), so a
  // tiny CommonJS bootstrap installs tsx's synchronous require hook and then loads the entry.
  const worker = file.endsWith('.ts') ? new Worker(`require('tsx/cjs'); require(${JSON.stringify(file)})`, { eval: true }) : new Worker(file)
  let settled = false
  const result = new Promise<Extract<WorkerMessage, { type: 'done' }>>((resolveResult, reject) => {
    worker.on('message', (m: WorkerMessage) => {
      options.onMessage?.(m)
      if (m.type === 'done') {
        settled = true
        resolveResult(m)
      } else if (m.type === 'error') {
        settled = true
        reject(new Error(m.message))
      }
    })
    worker.on('error', (err) => {
      settled = true
      reject(err)
    })
    worker.on('exit', (code) => {
      if (!settled) reject(new Error(`engine worker exited with code ${code} before finishing`))
    })
  })
  worker.postMessage({ type: 'start', job })
  return {
    pause: () => worker.postMessage({ type: 'pause' }),
    resume: () => worker.postMessage({ type: 'resume' }),
    cancel: () => worker.postMessage({ type: 'cancel' }),
    result,
    terminate: async () => {
      await worker.terminate()
    }
  }
}
