// Tracks one import: starts the job, follows its progress events, then fetches the report. Polling
// backs up the event stream, because a WebSocket that reconnects can miss the final event.
import type { ImportReport, Job } from '@shared/contract'
import { isFinalJobState } from '@shared/job-states'
import type { ApiClient } from '../api'
import { userMessage } from '../errors/wording'

const POLL_MS = 1000

export class ImportJob {
  job = $state<Job | null>(null)
  report = $state<ImportReport | null>(null)
  error = $state<string | null>(null)
  starting = $state(false)

  readonly running = $derived(this.starting || (this.job !== null && !isFinalJobState(this.job.state)))
  readonly percent = $derived(this.job && this.job.total > 0 ? Math.min(100, Math.round((100 * this.job.done) / this.job.total)) : 0)

  private unsubscribe: (() => void) | null = null
  private poll: ReturnType<typeof setInterval> | null = null

  constructor(
    private readonly api: ApiClient,
    private readonly onFinished: () => void = () => {}
  ) {}

  start = async (projectId: number, folder: string): Promise<void> => {
    this.stop()
    this.report = null
    this.error = null
    this.job = null
    const trimmed = folder.trim()
    if (!trimmed) {
      this.error = 'Type the path of a folder to import.'
      return
    }
    this.starting = true
    // Subscribe before starting, so no progress event can slip between the two.
    this.unsubscribe = this.api.onEvent('job.progress', (job) => {
      if (this.job && job.id === this.job.id) void this.update(job)
    })
    const started = await this.api.call('import.start', { projectId, folder: trimmed })
    this.starting = false
    if (!started.ok) {
      this.error = userMessage(started.error)
      this.stop()
      return
    }
    await this.update(started.value)
    if (this.running) this.poll = setInterval(() => void this.refresh(), POLL_MS)
  }

  private refresh = async (): Promise<void> => {
    if (!this.job) return
    const latest = await this.api.call('jobs.get', { jobId: this.job.id })
    if (latest.ok) await this.update(latest.value)
  }

  private update = async (job: Job): Promise<void> => {
    // Events and polls can arrive out of order; never move progress backwards.
    if (this.job && this.job.id === job.id && isFinalJobState(this.job.state)) return
    if (this.job && this.job.id === job.id && job.done < this.job.done && job.state === this.job.state) return
    this.job = job
    if (!isFinalJobState(job.state)) return
    this.stop()
    const report = await this.api.call('import.report', { jobId: job.id })
    if (report.ok) this.report = report.value
    else this.error = userMessage(report.error)
    if (job.state === 'failed' && job.error) this.error = job.error
    this.onFinished()
  }

  stop = (): void => {
    this.unsubscribe?.()
    this.unsubscribe = null
    if (this.poll) clearInterval(this.poll)
    this.poll = null
  }
}
