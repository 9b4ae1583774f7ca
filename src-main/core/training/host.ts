// Runs a training job in a worker thread and exposes it as a small typed handle for the main
// process, the CLI and the API layer. Progress arrives already throttled by the worker.
import { spawnWorker, workerEntry } from '../sampling/spawn-worker'
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

/** The worker entry: the bundled engine.worker.js beside the main bundle, or the TypeScript source. */
export function defaultWorkerPath(): string {
  return workerEntry('engine.worker')
}

export function startTraining(job: TrainJob, options: HostOptions = {}): TrainHandle {
  const worker = spawnWorker(options.workerPath ?? defaultWorkerPath())
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
