// Follows one background job, for every screen that starts one (classify, acquire, export, import,
// sampling, training, fine-tunes): starts it, mirrors its job.progress events, and polls as a back-up
// because a reconnecting WebSocket can miss the final event. What a job produces (a summary, results,
// curves) belongs to the caller: `onPoll` loads it beside the job on every poll, `settled` keeps polling
// after the end until it is complete, and `onFinal` runs once when the job has ended.
import type { Job, Result } from '@shared/contract'
import { isFinalJobState } from '@shared/job-states'
import type { ApiClient } from '../api'
import { userMessage } from '../errors/wording'

export interface FollowHooks {
  /** Runs once, after the job has ended and `settled` agreed. */
  onFinal?: (job: Job) => void | Promise<void>
  /** Loads what the job produces, beside every poll of the job itself. */
  onPoll?: (job: Job) => Promise<void>
  /** After the end, whether the produced data is complete (1 on the first poll that saw the end). */
  settled?: (pollsAfterEnd: number) => boolean
  /** Poll as soon as an event shows progress, so produced data keeps up (sampling's grid). */
  pollOnProgress?: boolean
  pollMs?: number
}

const POLL_MS = 800

export class JobFollower {
  job = $state<Job | null>(null)
  error = $state<string | null>(null)
  starting = $state(false)

  readonly running = $derived(this.starting || (this.job !== null && !isFinalJobState(this.job.state)))
  readonly percent = $derived(this.job && this.job.total > 0 ? Math.min(100, Math.round((100 * this.job.done) / this.job.total)) : 0)

  private unsubscribe: (() => void) | null = null
  private poll: ReturnType<typeof setInterval> | null = null
  /** The id of the job whose end was handled: onFinal never runs twice. */
  private ended: number | null = null
  private pollsAfterEnd = 0

  constructor(
    private readonly api: ApiClient,
    private readonly hooks: FollowHooks = {}
  ) {}

  /** Runs the call that starts a job; its error (as the server words it) lands in `error`. */
  start = async (begin: () => Promise<Result<Job>>): Promise<boolean> => {
    this.stop()
    this.error = null
    this.starting = true
    const started = await begin()
    this.starting = false
    if (!started.ok) {
      this.error = userMessage(started.error)
      return false
    }
    await this.follow(started.value)
    return true
  }

  /** Follows a job that already exists (one just started, or one listed by jobs.list). */
  follow = async (job: Job): Promise<void> => {
    this.stop()
    this.job = job
    this.ended = null
    this.pollsAfterEnd = 0
    this.unsubscribe = this.api.onEvent('job.progress', (j) => {
      if (!this.job || j.id !== this.job.id) return
      const moved = j.done !== this.job.done
      this.accept(j)
      if (isFinalJobState(j.state) || (moved && this.hooks.pollOnProgress === true)) void this.refresh()
    })
    this.poll = setInterval(() => void this.refresh(), this.hooks.pollMs ?? POLL_MS)
    await this.refresh()
  }

  cancel = async (): Promise<void> => {
    if (!this.job) return
    const r = await this.api.call('jobs.cancel', { jobId: this.job.id })
    if (!r.ok) this.error = userMessage(r.error)
    else this.accept(r.value)
    await this.refresh()
  }

  /** Fetches the job, and what `onPoll` loads, now. */
  refresh = async (): Promise<void> => {
    const job = this.job
    if (!job || this.ended === job.id) return
    const [latest] = await Promise.all([this.api.call('jobs.get', { jobId: job.id }), this.hooks.onPoll?.(job)])
    if (this.job?.id !== job.id) return
    if (latest.ok) this.accept(latest.value)
    const current = this.job
    if (!isFinalJobState(current.state) || this.ended === job.id) return
    if (this.hooks.settled && !this.hooks.settled(++this.pollsAfterEnd)) return
    this.ended = job.id
    this.stop()
    if (current.state === 'failed') this.error = current.error ?? 'The job failed without a message; see the server log.'
    await this.hooks.onFinal?.(current)
  }

  /** A newer view of the job. Events and polls arrive out of order: an ended job stays ended, progress never goes back. */
  accept = (j: Job): void => {
    const current = this.job
    if (!current || current.id !== j.id) return
    if (isFinalJobState(current.state) && !isFinalJobState(j.state)) return
    if (j.state === current.state && j.done < current.done) return
    this.job = j
  }

  stop = (): void => {
    this.unsubscribe?.()
    this.unsubscribe = null
    if (this.poll) clearInterval(this.poll)
    this.poll = null
  }
}

/**
 * A screen's store over one followed job (import, sampling, training): the follower's job, error,
 * starting/running and percent are the store's own, and what the job produces is the subclass's, loaded
 * in `loadBeside` (every poll), judged complete by `complete` and finished in `finished` (once, at the end).
 */
export abstract class FollowedJob {
  protected readonly follower: JobFollower

  constructor(
    protected readonly api: ApiClient,
    options: Pick<FollowHooks, 'pollMs' | 'pollOnProgress'> = {}
  ) {
    this.follower = new JobFollower(api, {
      ...options,
      onPoll: (job) => this.loadBeside(job),
      settled: (pollsAfterEnd) => this.complete(pollsAfterEnd),
      onFinal: (job) => this.finished(job)
    })
  }

  get job(): Job | null {
    return this.follower.job
  }
  get error(): string | null {
    return this.follower.error
  }
  get starting(): boolean {
    return this.follower.starting
  }
  get running(): boolean {
    return this.follower.running
  }
  get percent(): number {
    return this.follower.percent
  }

  /** What the job produces, loaded beside every poll of the job (nothing by default). */
  protected loadBeside(_job: Job): Promise<void> {
    return Promise.resolve()
  }
  /** After the end, whether what the job produced is complete (1 on the first poll that saw the end). */
  protected complete(_pollsAfterEnd: number): boolean {
    return true
  }
  /** Runs once when the job has ended and `complete` agreed. */
  protected finished(_job: Job): void | Promise<void> {}

  refresh = (): Promise<void> => this.follower.refresh()
  stop = (): void => this.follower.stop()
}
