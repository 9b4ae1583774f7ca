// Follows one background job (classify, acquire, export): starts it, mirrors its progress from
// job.progress events, and polls as a back-up because a reconnecting WebSocket can miss the final
// event. When the job ends, `onFinal` runs once (to load the summary, ledger or file path).
import type { Job, Result } from '@shared/contract'
import { isFinalJobState } from '@shared/job-states'
import type { ApiClient } from '../api'
import { userMessage } from '../errors/wording'

const POLL_MS = 800

export class JobFollower {
  job = $state<Job | null>(null)
  error = $state<string | null>(null)
  starting = $state(false)

  readonly running = $derived(this.starting || (this.job !== null && !isFinalJobState(this.job.state)))
  readonly percent = $derived(this.job && this.job.total > 0 ? Math.min(100, Math.round((100 * this.job.done) / this.job.total)) : 0)

  private unsubscribe: (() => void) | null = null
  private poll: ReturnType<typeof setInterval> | null = null
  // Which jobs' onFinal already ran; read only by this class, never rendered.
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  private finalised = new Set<number>()

  constructor(
    private readonly api: ApiClient,
    private readonly onFinal: (job: Job) => void | Promise<void> = () => {}
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
    this.follow(started.value)
    return true
  }

  /** Follows a job that already exists (e.g. one started earlier and listed by jobs.list). */
  follow = (job: Job): void => {
    this.stop()
    this.job = job
    this.unsubscribe = this.api.onEvent('job.progress', (j) => {
      if (this.job && j.id === this.job.id) this.update(j)
    })
    this.update(job)
    if (!isFinalJobState(job.state)) this.poll = setInterval(() => void this.refresh(), POLL_MS)
  }

  cancel = async (): Promise<void> => {
    if (!this.job) return
    const r = await this.api.call('jobs.cancel', { jobId: this.job.id })
    if (!r.ok) this.error = userMessage(r.error)
    else this.update(r.value)
    await this.refresh()
  }

  private refresh = async (): Promise<void> => {
    if (!this.job) return
    const latest = await this.api.call('jobs.get', { jobId: this.job.id })
    if (latest.ok) this.update(latest.value)
  }

  private update = (job: Job): void => {
    const current = this.job
    if (!current || current.id !== job.id) return
    // Events and polls can arrive out of order: a finished job stays finished, progress never goes back.
    if (isFinalJobState(current.state) && this.finalised.has(job.id)) return
    if (job.state === current.state && job.done < current.done) return
    this.job = job
    if (!isFinalJobState(job.state) || this.finalised.has(job.id)) return
    this.finalised.add(job.id)
    this.stopListening()
    if (job.state === 'failed') this.error = job.error ?? 'The job failed without a message; see the server log.'
    void this.onFinal(job)
  }

  private stopListening = (): void => {
    this.unsubscribe?.()
    this.unsubscribe = null
    if (this.poll) clearInterval(this.poll)
    this.poll = null
  }

  stop = (): void => this.stopListening()
}
