// Tracks one import through the one job follower, then fetches the import's report.
import type { ImportReport, Job } from '@shared/contract'
import type { ApiClient } from '../api'
import { userMessage } from '../errors/wording'
import { JobFollower } from './job-follower.svelte'

export class ImportJob {
  report = $state<ImportReport | null>(null)
  /** A refusal before any job exists (no folder typed) or the report's error; the job's own error is the follower's. */
  private ownError = $state<string | null>(null)
  private readonly follower: JobFollower

  constructor(
    private readonly api: ApiClient,
    private readonly onFinished: () => void = () => {}
  ) {
    this.follower = new JobFollower(api, { pollMs: 1000, onFinal: (job) => this.finish(job) })
  }

  get job(): Job | null {
    return this.follower.job
  }
  get error(): string | null {
    return this.follower.error ?? this.ownError
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

  start = async (projectId: number, folder: string): Promise<void> => {
    this.stop()
    this.report = null
    this.ownError = null
    this.follower.job = null
    this.follower.error = null
    const trimmed = folder.trim()
    if (!trimmed) {
      this.ownError = 'Type the path of a folder to import.'
      return
    }
    await this.follower.start(() => this.api.call('import.start', { projectId, folder: trimmed }))
  }

  private finish = async (job: Job): Promise<void> => {
    const report = await this.api.call('import.report', { jobId: job.id })
    if (report.ok) this.report = report.value
    else this.ownError = userMessage(report.error)
    this.onFinished()
  }

  stop = (): void => this.follower.stop()
}
