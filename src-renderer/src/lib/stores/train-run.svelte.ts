// Follows one training job on the Train screen: starts it, mirrors its job.progress events, and
// polls train.metrics for the loss curve (events carry the job, not the curve). Polling also
// covers events a reconnecting WebSocket missed.
import type { Job, TrainMetrics, TrainSettings } from '@shared/contract'
import type { ApiClient } from '../api'

const POLL_MS = 700
const FINAL_STATES: ReadonlySet<Job['state']> = new Set(['done', 'failed', 'cancelled'])

export class TrainRun {
  job = $state<Job | null>(null)
  metrics = $state<TrainMetrics | null>(null)
  error = $state<string | null>(null)
  busy = $state(false)

  readonly active = $derived(this.job !== null && !FINAL_STATES.has(this.job.state))
  readonly paused = $derived(this.job?.state === 'paused')

  private unsubscribe: (() => void) | null = null
  private poll: ReturnType<typeof setInterval> | null = null

  constructor(private readonly api: ApiClient) {}

  /** Shows an existing job (the newest training job of the project when the screen opens). */
  follow = async (job: Job): Promise<void> => {
    this.stop()
    this.job = job
    this.metrics = null
    this.unsubscribe = this.api.onEvent('job.progress', (j) => {
      if (this.job && j.id === this.job.id) this.job = j
    })
    await this.refresh()
    this.poll = setInterval(() => void this.refresh(), POLL_MS)
  }

  start = async (projectId: number, config: TrainSettings, init: string): Promise<void> => {
    this.error = null
    this.busy = true
    const started = await this.api.call('train.start', { projectId, config, init })
    this.busy = false
    if (!started.ok) {
      this.error = started.error.message
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
    if (!r.ok) this.error = r.error.message
    else this.job = r.value
    await this.refresh()
  }

  pause = (): Promise<void> => this.control('train.pause')
  resume = (): Promise<void> => this.control('train.resume')
  cancel = (): Promise<void> => this.control('train.cancel')

  refresh = async (): Promise<void> => {
    const job = this.job
    if (!job) return
    const [m, j] = await Promise.all([this.api.call('train.metrics', { jobId: job.id }), this.api.call('jobs.get', { jobId: job.id })])
    if (this.job?.id !== job.id) return
    if (m.ok) this.metrics = m.value
    if (j.ok) this.job = j.value
    // One last poll after the end picks up the final checkpoint; then stop.
    if (j.ok && FINAL_STATES.has(j.value.state) && this.poll) {
      clearInterval(this.poll)
      this.poll = null
      if (j.value.state === 'failed' && j.value.error) this.error = j.value.error
    }
  }

  stop = (): void => {
    this.unsubscribe?.()
    this.unsubscribe = null
    if (this.poll) clearInterval(this.poll)
    this.poll = null
  }
}
