// Follows one training job (plain training or a preference fine-tune) through the one job follower:
// it loads the metrics beside every poll (events carry the job, not the curves) and keeps polling
// after the end until the metrics are complete. Pause, resume and cancel are the training job's own methods.
import type { Job, Result } from '@shared/contract'
import { isFinalJobState } from '@shared/job-states'
import type { ApiClient } from '../api'
import { userMessage } from '../errors/wording'
import { FollowedJob } from './job-follower.svelte'

export abstract class TrainingJobFollower<M> extends FollowedJob {
  metrics = $state<M | null>(null)
  busy = $state(false)

  constructor(
    api: ApiClient,
    /** Told when a followed job ends, e.g. so a runs table can refresh. */
    private readonly onFinished: () => void = () => {}
  ) {
    super(api, { pollMs: 700 })
  }

  override get error(): string | null {
    return this.follower.error
  }
  override set error(message: string | null) {
    this.follower.error = message
  }
  get active(): boolean {
    return this.follower.job !== null && !isFinalJobState(this.follower.job.state)
  }
  get paused(): boolean {
    return this.follower.job?.state === 'paused'
  }

  /** This job kind's metrics. */
  protected abstract fetchMetrics(jobId: number): Promise<Result<M>>

  /**
   * Whether the metrics of a job that has ended are complete, so polling may stop; `pollsAfterEnd`
   * counts the polls since the job was first seen final (1 on the first).
   */
  protected metricsSettled(_metrics: M | null, _pollsAfterEnd: number): boolean {
    return true
  }

  protected override loadBeside(job: Job): Promise<void> {
    return this.loadMetrics(job)
  }
  protected override complete(pollsAfterEnd: number): boolean {
    return this.metricsSettled(this.metrics, pollsAfterEnd)
  }
  protected override finished(): void {
    this.onFinished()
  }

  /** Shows an existing job (e.g. the project's newest one when the screen opens). */
  follow = async (job: Job): Promise<void> => {
    this.metrics = null
    await this.follower.follow(job)
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
    const job = this.follower.job
    if (!job) return
    this.error = null
    this.busy = true
    const r = await this.api.call(method, { jobId: job.id })
    this.busy = false
    if (!r.ok) this.error = userMessage(r.error)
    else this.follower.accept(r.value)
    await this.refresh()
  }

  pause = (): Promise<void> => this.control('train.pause')
  resume = (): Promise<void> => this.control('train.resume')
  cancel = (): Promise<void> => this.control('train.cancel')

  private loadMetrics = async (job: Job): Promise<void> => {
    const m = await this.fetchMetrics(job.id)
    if (m.ok && this.follower.job?.id === job.id) this.metrics = m.value
  }
}
