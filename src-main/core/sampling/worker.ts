// The sampler worker's side of the protocol: opens models (keeping the last released one on disk open,
// so a refinement chain that samples one proposal per step does not re-export its DiT each time),
// samples batches and cancels them. Requests are answered in any order; each names its id.
import type { MessagePort } from 'node:worker_threads'
import { diskStamp, openModelSampler, type ModelSampler } from './backends'
import { modelKey } from './model'
import { isSamplingRequest, type SamplingAnswer, type SamplingRequest } from './protocol'

/** How long a released model stays open for the next caller of the same model. */
const IDLE_CLOSE_MS = 60_000

interface Open {
  sampler: ModelSampler
  key: string | null
}

export function serveSampling(port: MessagePort): void {
  const open = new Map<number, Open>()
  const running = new Map<number, AbortController>()
  /** The last released model on disk, kept open until another replaces it or it has been idle a while. */
  let idle: Open | null = null
  let idleTimer: ReturnType<typeof setTimeout> | undefined
  /** Takes the idle model out of the cache (to reuse or dispose it). */
  const takeIdle = (): Open | null => {
    clearTimeout(idleTimer)
    const m = idle
    idle = null
    return m
  }
  let nextHandle = 1
  const answer = (m: SamplingAnswer, transfer: ArrayBuffer[] = []): void => port.postMessage(m, transfer)
  const failed = (id: number, err: unknown): void => {
    const e = err instanceof Error ? err : new Error(String(err))
    answer({ type: 'failed', id, name: e.name, message: e.message })
  }

  async function handle(m: SamplingRequest): Promise<void> {
    switch (m.type) {
      case 'open': {
        const key = modelKey(m.model, m.options.prefer, diskStamp(m.model))
        let entry: Open
        let fallback: string | null = null
        if (idle && key !== null && idle.key === key) {
          entry = takeIdle() as Open
        } else {
          entry = { key, sampler: await openModelSampler(m.model, m.options, (reason) => (fallback = reason)) }
        }
        const h = nextHandle++
        open.set(h, entry)
        answer({ type: 'opened', id: m.id, handle: h, info: entry.sampler.info, fallback })
        return
      }
      case 'sample': {
        const entry = open.get(m.handle)
        if (!entry) throw new Error(`sampling: model handle ${m.handle} is not open`)
        const ctrl = new AbortController()
        running.set(m.id, ctrl)
        try {
          const pixels = await entry.sampler.sample(m.batch, { signal: ctrl.signal, onProgress: (done, total) => answer({ type: 'progress', id: m.id, done, total }) })
          answer({ type: 'images', id: m.id, pixels }, [pixels.buffer as ArrayBuffer])
        } finally {
          running.delete(m.id)
        }
        return
      }
      case 'cancel':
        running.get(m.target)?.abort()
        return
      case 'release': {
        const entry = open.get(m.handle)
        open.delete(m.handle)
        if (entry) {
          const previous = takeIdle()
          if (entry.key === null) await entry.sampler.dispose()
          else {
            idle = entry
            // A Stable Diffusion model holds gigabytes: an unused one is closed after a while.
            idleTimer = setTimeout(() => void takeIdle()?.sampler.dispose(), IDLE_CLOSE_MS)
            idleTimer.unref()
          }
          if (previous) await previous.sampler.dispose()
        }
        answer({ type: 'released', id: m.id })
        return
      }
    }
  }

  port.on('message', (m: unknown) => {
    if (!isSamplingRequest(m)) return
    handle(m).catch((err: unknown) => failed(m.id, err))
  })
}
