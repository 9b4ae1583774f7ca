// Follows one sampling job (through the one job follower) and reloads its results as chunks land,
// so samples appear in the grid while the job runs.
import type { Input, Job, SampleResult } from '@shared/contract'
import type { ApiClient } from '../api'
import { FollowedJob } from './job-follower.svelte'

export class SampleJob extends FollowedJob {
  results = $state<SampleResult[]>([])

  constructor(api: ApiClient) {
    super(api, { pollOnProgress: true })
  }

  start = async (input: Input<'sample.start'>): Promise<void> => {
    this.results = []
    await this.follower.start(() => this.api.call('sample.start', input))
  }

  follow = async (job: Job): Promise<void> => {
    this.results = []
    await this.follower.follow(job)
  }

  cancel = (): Promise<void> => this.follower.cancel()

  protected override loadBeside(job: Job): Promise<void> {
    return this.loadResults(job)
  }
  // The results are read once more at the end: the poll that saw the job end may have read them before its last chunk.
  protected override finished(job: Job): Promise<void> {
    return this.loadResults(job)
  }

  private loadResults = async (job: Job): Promise<void> => {
    const res = await this.api.call('sample.results', { jobId: job.id })
    if (res.ok && this.follower.job?.id === job.id) this.results = res.value
  }
}
