// Follows one training job (plain training or a preference fine-tune): mirrors its job.progress
// events and polls its metrics (events carry the job, not the curves; polling also covers events a
// reconnecting WebSocket missed). Pause, resume and cancel are the training job's own methods.
import type { Job, Result } from '@shared/contract'
import { isFinalJobState } from '@shared/job-states'
import type { ApiClient } from '../api'
import { userMessage } from '../errors/wording'

const POLL_MS = 700

export abstract class TrainingJobFollower<M> {
  job = $state<Job | null>(null)
  metrics = $state<M | null>(null)
  error = $state<string | null>(null)
  busy = $state(false)

  readonly active = $derived(this.job !== null && !isFinalJobState(this.job.state))
  readonly paused = $derived(this.job?.state === 'paused')

  private unsubscribe: (() => void) | null = null
  private poll: ReturnType<typeof setInterval> | null = null
  private pollsAfterEnd = 0

  constructor(
    protected readonly api: ApiClient,
    /** Told when a followed job ends, e.g. so a runs table can refresh. */
    private readonly onFinished: () => void = () => {}
  ) {}

  /** This job kind's metrics. */
  protected abstract fetchMetrics(jobId: number): Promise<Result<M>>

  /**
   * Whether the metrics of a job that has ended are complete, so polling may stop; `pollsAfterEnd`
   * counts the polls since the job was first seen final (1 on the first).
   */
  protected metricsSettled(_metrics: M | null, _pollsAfterEnd: number): boolean {
    return true
  }

  /** Shows an existing job (e.g. the project's newest one when the screen opens). */
  follow = async (job: Job): Promise<void> => {
    this.stop()
    this.job = job
    this.metrics = null
    this.pollsAfterEnd = 0
    this.unsubscribe = this.api.onEvent('job.progress', (j) => {
      if (this.job && j.id === this.job.id) this.job = j
    })
    this.poll = setInterval(() => void this.refresh(), POLL_MS)
    await this.refresh()
  }

  /** Shows a job a start call returned, or its error. */
  protected followStarted = async (started: Result<Job>): Promise<void> => {
    this.busy = false
    if (!started.ok) {
      this.error = userMessage(started.error)
      return
    }
    await this.follow(started.value)
  }

  private control = async (method: 'train.pause' | 'train.resume' | 'train.cancel'): Promise<void> => {
    if (!this.job) return
    this.error = null
    this.busy = true
    const r = await this.api.call(method, { jobId: this.job.id })
    this.busy = false
    if (!r.ok) this.error = userMessage(r.error)
    else this.job = r.value
    await this.refresh()
  }

  pause = (): Promise<void> => this.control('train.pause')
  resume = (): Promise<void> => this.control('train.resume')
  cancel = (): Promise<void> => this.control('train.cancel')

  refresh = async (): Promise<void> => {
    const job = this.job
    if (!job) return
    const [m, j] = await Promise.all([this.fetchMetrics(job.id), this.api.call('jobs.get', { jobId: job.id })])
    if (this.job?.id !== job.id) return
    if (m.ok) this.metrics = m.value
    if (j.ok) this.job = j.value
    if (!j.ok || !isFinalJobState(j.value.state) || !this.poll) return
    if (this.metricsSettled(m.ok ? m.value : null, ++this.pollsAfterEnd)) {
      clearInterval(this.poll)
      this.poll = null
      if (j.value.state === 'failed' && j.value.error) this.error = j.value.error
      this.onFinished()
    }
  }

  stop = (): void => {
    this.unsubscribe?.()
    this.unsubscribe = null
    if (this.poll) clearInterval(this.poll)
    this.poll = null
  }
}
