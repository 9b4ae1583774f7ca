// Runs background jobs (import, and later train/sample/...) with their state in the jobs table, so
// that the UI can follow them and a job the app was killed in the middle of is picked up again on
// the next start (resumePending). Each kind registers one handler; the handler owns what "resume"
// means for its kind (the import resumes file by file from its ledger).
import type Database from 'better-sqlite3'
import type { Job } from '@shared/contract'
import { ApiFailure } from '../errors/api-failure'
import { jobsRepo, publicJob, type JobRecord } from '../store/repos/jobs'

type Kind = Job['kind']

export interface JobProgress {
  done?: number
  total?: number
  message?: string
}

export interface JobContext {
  readonly jobId: number
  readonly projectId: number | null
  /** The resumable payload as last saved. */
  readonly payload: unknown
  /** Aborted when the job is cancelled or the runner shuts down: stop at the next safe point. */
  readonly signal: AbortSignal
  /** Records progress; persisted and announced at most every `throttleMs` (always at the end). */
  progress(p: JobProgress): void
  /** Persists a new resumable payload immediately. */
  savePayload(payload: unknown): void
}

/** Does the work of one job; resolves with a closing message, throws to fail the job. */
export type JobHandler = (ctx: JobContext) => Promise<{ message?: string } | void>

export type JobEventListener = (event: 'job.progress', job: Job) => void

export interface JobRunnerOptions {
  db: Database.Database
  onEvent?: JobEventListener
  /** Least time between two progress writes and events for one job. */
  throttleMs?: number
  /** Where unexpected errors in listeners go (they must never break a job). */
  log?: (message: string) => void
}

export interface JobRunner {
  register(kind: Kind, handler: JobHandler): void
  /** Creates a job in state `running` and starts it on the next tick. */
  start(kind: Kind, opts: { projectId: number | null; payload?: unknown; total?: number; message?: string }): Job
  /** Cancels a queued or running job (idempotent for finished ones); unknown id -> ApiFailure not_found. */
  cancel(jobId: number): Job
  /** Restarts every job left `running` or `queued` by a previous process; call after all register(). */
  resumePending(): Job[]
  get(jobId: number): Job
  list(projectId?: number): Job[]
  /** Resolves when no handler is running (tests, shutdown). */
  idle(): Promise<void>
  /** Stops all handlers at their next safe point, leaving them `running` so the next start resumes them. */
  shutdown(): Promise<void>
}

const ACTIVE_STATES: readonly Job['state'][] = ['queued', 'running']

export function createJobRunner(opts: JobRunnerOptions): JobRunner {
  const jobs = jobsRepo(opts.db)
  const handlers = new Map<Kind, JobHandler>()
  const live = new Map<number, { controller: AbortController; done: Promise<void> }>()
  const throttleMs = opts.throttleMs ?? 250
  const log = opts.log ?? ((m: string) => console.warn(m))
  let shuttingDown = false

  const emit = (job: JobRecord): void => {
    if (!opts.onEvent) return
    try {
      opts.onEvent('job.progress', publicJob(job))
    } catch (err) {
      log(`job.progress listener failed: ${err instanceof Error ? err.message : String(err)}`)
    }
  }

  const mustGet = (jobId: number): JobRecord => {
    const job = jobs.get(jobId)
    if (!job) throw new ApiFailure('not_found', `job ${jobId} does not exist`)
    return job
  }

  function launch(job: JobRecord): void {
    const handler = handlers.get(job.kind)
    if (!handler) {
      emit(jobs.update(job.id, { state: 'failed', error: `no handler for jobs of kind "${job.kind}"` }))
      return
    }
    const controller = new AbortController()
    let pending: JobProgress = {}
    let lastWrite = 0
    const flush = (): void => {
      if (Object.keys(pending).length === 0) return
      const current = jobs.get(job.id)
      pending = normalise(current, pending)
      // A cancel that landed meanwhile must not be overwritten by a late progress write.
      if (!current || current.state !== 'running') return
      emit(jobs.update(job.id, pending))
      pending = {}
      lastWrite = Date.now()
    }
    const ctx: JobContext = {
      jobId: job.id,
      projectId: job.projectId,
      payload: job.payload,
      signal: controller.signal,
      progress(p) {
        pending = { ...pending, ...p }
        if (Date.now() - lastWrite >= throttleMs) flush()
      },
      savePayload(payload) {
        jobs.update(job.id, { payload })
      }
    }
    const done = (async () => {
      // Let start() return the job before any work happens.
      await new Promise<void>((resolve) => setImmediate(resolve))
      try {
        if (controller.signal.aborted) return
        const result = await handler(ctx)
        const current = jobs.get(job.id)
        if (!current || current.state !== 'running') return
        if (controller.signal.aborted) {
          // Shut down mid-job: persist progress and stay `running` so the next start resumes it.
          flush()
          return
        }
        const final = normalise(current, pending)
        emit(jobs.update(job.id, { ...final, state: 'done', message: result?.message ?? final.message ?? current.message, error: null }))
      } catch (err) {
        const current = jobs.get(job.id)
        if (current && current.state === 'running' && !shuttingDown) {
          const message = err instanceof Error ? err.message : String(err)
          emit(jobs.update(job.id, { ...normalise(current, pending), state: 'failed', error: message.slice(0, 2000) }))
        }
      } finally {
        live.delete(job.id)
      }
    })()
    live.set(job.id, { controller, done })
  }

  return {
    register(kind, handler) {
      if (handlers.has(kind)) throw new Error(`a handler for "${kind}" jobs is already registered`)
      handlers.set(kind, handler)
    },

    start(kind, o) {
      if (shuttingDown) throw new ApiFailure('conflict', 'the job runner is shutting down')
      if (!handlers.has(kind)) throw new ApiFailure('bad_request', `no handler for jobs of kind "${kind}"`)
      const created = jobs.create({ projectId: o.projectId, kind, total: o.total, message: o.message, payload: o.payload })
      const running = jobs.update(created.id, { state: 'running' })
      emit(running)
      launch(running)
      return publicJob(running)
    },

    cancel(jobId) {
      const job = mustGet(jobId)
      if (!ACTIVE_STATES.includes(job.state) && job.state !== 'paused') return publicJob(job)
      const cancelled = jobs.update(jobId, { state: 'cancelled', message: 'cancelled' })
      live.get(jobId)?.controller.abort(new Error('cancelled'))
      emit(cancelled)
      return publicJob(cancelled)
    },

    resumePending() {
      const resumed: Job[] = []
      for (const job of jobs.inStates(ACTIVE_STATES)) {
        if (live.has(job.id)) continue
        const running = job.state === 'running' ? job : jobs.update(job.id, { state: 'running' })
        launch(running)
        resumed.push(publicJob(running))
      }
      return resumed
    },

    get: (jobId) => publicJob(mustGet(jobId)),
    list: (projectId) => jobs.list(projectId).map(publicJob),

    async idle() {
      while (live.size > 0) await Promise.all([...live.values()].map((l) => l.done))
    },

    async shutdown() {
      shuttingDown = true
      for (const l of live.values()) l.controller.abort(new Error('shutdown'))
      await this.idle()
    }
  }
}

/** Keeps done <= total so a handler's rounding can never break the table's CHECKs or the UI bar. */
function normalise(current: JobRecord | null, p: JobProgress): JobProgress {
  const out = { ...p }
  if (out.done !== undefined) out.done = Math.max(0, Math.floor(out.done))
  if (out.total !== undefined) out.total = Math.max(0, Math.floor(out.total))
  const total = out.total ?? current?.total
  if (out.done !== undefined && total !== undefined && total > 0 && out.done > total) out.done = total
  return out
}
