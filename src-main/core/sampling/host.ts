// The one sampler as callers see it: openSampler(model) -> sample(prompts, seeds, ...) -> images. All
// sampling runs in one worker thread per host (started on first use, kept while the process lives but
// never keeping it alive when idle), so the Electron main process, serve mode and the CLI stay
// responsive while a batch is drawn. A caller's AbortSignal cancels its batch between steps; a worker
// that does not answer a cancel in time (a Stable Diffusion image is one uninterruptible call) is
// terminated, and the handles it held reopen on their next batch.
import type { Worker } from 'node:worker_threads'
import { abortError, type OpenOptions, type SampleBatch, type SamplerInfo, type SamplerModel } from './model'
import type { SamplingAnswer, SamplingRequest } from './protocol'
import { spawnWorker, workerEntry } from './spawn-worker'

export type { SampleBatch, SamplerInfo, SamplerModel, SamplerName } from './model'

export interface SampleControl {
  signal?: AbortSignal
  /** Images finished so far of this batch. */
  onProgress?: (done: number, total: number) => void
}

export interface Sampler {
  readonly info: SamplerInfo
  /** count * imageSize^2 * channels floats: HWC images in [-1, 1], in the order of the batch's prompts. */
  sample(batch: SampleBatch, control?: SampleControl): Promise<Float32Array>
  dispose(): Promise<void>
}

export interface SamplerOpenOptions extends OpenOptions {
  /** Why onnxruntime-node was passed over, when a DiT falls back to tfjs. */
  onFallback?: (reason: string) => void
}

/** How long a cancelled batch may take to stop before its worker is terminated. */
const CANCEL_GRACE_MS = 3000

type Pending = { resolve: (a: SamplingAnswer) => void; reject: (e: Error) => void; onProgress?: (done: number, total: number) => void }
type Request = SamplingRequest extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never

export class SamplingHost {
  private worker: Worker | null = null
  /** Bumped whenever a worker stops, so handles know to reopen. */
  generation = 0
  private readonly pending = new Map<number, Pending>()
  private nextId = 1

  constructor(private readonly workerPath?: string) {}

  private ensureWorker(): Worker {
    if (this.worker) return this.worker
    const w = spawnWorker(this.workerPath ?? workerEntry('sampler.worker'))
    w.on('message', (m: SamplingAnswer) => {
      const p = this.pending.get(m.id)
      if (!p) return
      if (m.type === 'progress') return p.onProgress?.(m.done, m.total)
      this.settle(m.id)
      if (m.type === 'failed') {
        const e = new Error(m.message)
        e.name = m.name
        p.reject(e)
      } else p.resolve(m)
    })
    const stopped = (why: string): void => {
      if (this.worker !== w) return
      this.worker = null
      this.generation++
      for (const [id, p] of [...this.pending]) {
        this.settle(id)
        p.reject(new Error(`the sampling worker stopped: ${why}`))
      }
    }
    w.on('error', (err) => stopped(err.message))
    w.on('exit', (code) => stopped(`it exited with code ${code}`))
    w.unref()
    this.worker = w
    return w
  }

  private settle(id: number): void {
    this.pending.delete(id)
    // An idle worker must not keep a CLI process alive; a busy one must.
    if (this.pending.size === 0) this.worker?.unref()
  }

  /** Sends a request and waits for its answer. */
  request(req: Request, onProgress?: Pending['onProgress']): { id: number; answer: Promise<SamplingAnswer> } {
    const w = this.ensureWorker()
    const id = this.nextId++
    const answer = new Promise<SamplingAnswer>((resolve, reject) => this.pending.set(id, { resolve, reject, onProgress }))
    w.ref()
    w.postMessage({ ...req, id })
    return { id, answer }
  }

  /** A message that expects no answer (a cancel). */
  notify(req: Request): void {
    this.worker?.postMessage({ ...req, id: this.nextId++ })
  }

  /** Terminates the worker (a cancel it did not honour); in-flight requests fail, handles reopen later. */
  async kill(): Promise<void> {
    const w = this.worker
    if (w) await w.terminate()
  }

  async open(model: SamplerModel, opts: SamplerOpenOptions = {}): Promise<Sampler> {
    const opened = await this.openHandle(model, opts)
    return new HostedSampler(this, model, opts, opened)
  }

  async openHandle(model: SamplerModel, opts: SamplerOpenOptions): Promise<{ handle: number; info: SamplerInfo; generation: number }> {
    const generation = this.generation
    const a = await this.request({ type: 'open', model, options: { prefer: opts.prefer } }).answer
    if (a.type !== 'opened') throw new Error(`sampling: unexpected answer ${a.type} to open`)
    if (a.fallback !== null) opts.onFallback?.(a.fallback)
    return { handle: a.handle, info: a.info, generation }
  }

  /** Stops the worker; the next open starts a fresh one. */
  async close(): Promise<void> {
    await this.kill()
  }
}

class HostedSampler implements Sampler {
  private disposed = false
  readonly info: SamplerInfo
  private handle: number
  private generation: number

  constructor(
    private readonly host: SamplingHost,
    private readonly model: SamplerModel,
    private readonly opts: SamplerOpenOptions,
    opened: { handle: number; info: SamplerInfo; generation: number }
  ) {
    this.info = opened.info
    this.handle = opened.handle
    this.generation = opened.generation
  }

  async sample(batch: SampleBatch, control: SampleControl = {}): Promise<Float32Array> {
    if (this.disposed) throw new Error('sampling: this sampler was disposed')
    const { signal } = control
    if (signal?.aborted) throw abortError()
    if (this.generation !== this.host.generation) {
      // The worker that held this model stopped (a cancel it did not honour): open it again.
      const again = await this.host.openHandle(this.model, this.opts)
      this.handle = again.handle
      this.generation = again.generation
    }
    const { id, answer } = this.host.request({ type: 'sample', handle: this.handle, batch }, control.onProgress)
    let timer: ReturnType<typeof setTimeout> | undefined
    const onAbort = (): void => {
      this.host.notify({ type: 'cancel', target: id })
      timer = setTimeout(() => void this.host.kill(), CANCEL_GRACE_MS)
      timer.unref()
    }
    signal?.addEventListener('abort', onAbort, { once: true })
    try {
      const a = await answer
      if (a.type !== 'images') throw new Error(`sampling: unexpected answer ${a.type} to sample`)
      return a.pixels
    } catch (e) {
      if (signal?.aborted) throw abortError()
      throw e
    } finally {
      signal?.removeEventListener('abort', onAbort)
      clearTimeout(timer)
    }
  }

  async dispose(): Promise<void> {
    if (this.disposed) return
    this.disposed = true
    // A stopped worker took the model with it; nothing to release.
    if (this.generation !== this.host.generation) return
    await this.host.request({ type: 'release', handle: this.handle }).answer.catch(() => undefined)
  }
}

let shared: SamplingHost | null = null

/** The process's sampling host (one worker for every caller). */
export function samplingHost(): SamplingHost {
  shared ??= new SamplingHost()
  return shared
}

/**
 * Opens `model` for sampling in the shared worker: a DiT checkpoint or weights on onnxruntime-node,
 * else tfjs; a Stable Diffusion folder on onnxruntime-node. Errors name the model and the problem.
 */
export function openSampler(model: SamplerModel, opts: SamplerOpenOptions = {}): Promise<Sampler> {
  return samplingHost().open(model, opts)
}
