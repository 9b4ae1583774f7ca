// Tracks one import through the one job follower, then fetches the import's report.
import type { ImportReport, Job } from '@shared/contract'
import type { ApiClient } from '../api'
import { userMessage } from '../errors/wording'
import { FollowedJob } from './job-follower.svelte'

export class ImportJob extends FollowedJob {
  report = $state<ImportReport | null>(null)
  /** A refusal before any job exists (no folder typed) or the report's error; the job's own error is the follower's. */
  private ownError = $state<string | null>(null)

  constructor(
    api: ApiClient,
    private readonly onFinished: () => void = () => {}
  ) {
    super(api, { pollMs: 1000 })
  }

  override get error(): string | null {
    return this.follower.error ?? this.ownError
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

  protected override async finished(job: Job): Promise<void> {
    const report = await this.api.call('import.report', { jobId: job.id })
    if (report.ok) this.report = report.value
    else this.ownError = userMessage(report.error)
    this.onFinished()
  }
}
