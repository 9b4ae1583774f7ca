// Follows one sampling job: starts it, mirrors its progress (events, backed by polling), and
// reloads its results as chunks land, so samples appear in the grid while the job runs.
import type { Input, Job, SampleResult } from '@shared/contract'
import { isFinalJobState } from '@shared/job-states'
import type { ApiClient } from '../api'
import { userMessage } from '../errors/wording'

const POLL_MS = 800

export class SampleJob {
  job = $state<Job | null>(null)
  results = $state<SampleResult[]>([])
  error = $state<string | null>(null)
  starting = $state(false)

  readonly running = $derived(this.starting || (this.job !== null && !isFinalJobState(this.job.state)))
  readonly percent = $derived(this.job && this.job.total > 0 ? Math.min(100, Math.round((100 * this.job.done) / this.job.total)) : 0)

  private unsubscribe: (() => void) | null = null
  private poll: ReturnType<typeof setInterval> | null = null

  constructor(private readonly api: ApiClient) {}

  start = async (input: Input<'sample.start'>): Promise<void> => {
    this.stop()
    this.error = null
    this.results = []
    this.starting = true
    const started = await this.api.call('sample.start', input)
    this.starting = false
    if (!started.ok) {
      this.error = userMessage(started.error)
      return
    }
    await this.follow(started.value)
  }

  follow = async (job: Job): Promise<void> => {
    this.stop()
    this.job = job
    this.unsubscribe = this.api.onEvent('job.progress', (j) => {
      if (this.job && j.id === this.job.id && j.done !== this.job.done) void this.refresh()
    })
    await this.refresh()
    if (this.running) this.poll = setInterval(() => void this.refresh(), POLL_MS)
  }

  cancel = async (): Promise<void> => {
    if (!this.job) return
    const r = await this.api.call('jobs.cancel', { jobId: this.job.id })
    if (!r.ok) this.error = userMessage(r.error)
    await this.refresh()
  }

  refresh = async (): Promise<void> => {
    const job = this.job
    if (!job) return
    const [j, res] = await Promise.all([this.api.call('jobs.get', { jobId: job.id }), this.api.call('sample.results', { jobId: job.id })])
    if (this.job?.id !== job.id) return
    if (j.ok) this.job = j.value
    if (res.ok) this.results = res.value
    if (j.ok && isFinalJobState(j.value.state)) {
      this.stop()
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
