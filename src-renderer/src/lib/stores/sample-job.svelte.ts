// Follows one sampling job (through the one job follower) and reloads its results as chunks land,
// so samples appear in the grid while the job runs.
import type { Input, Job, SampleResult } from '@shared/contract'
import type { ApiClient } from '../api'
import { JobFollower } from './job-follower.svelte'

export class SampleJob {
  results = $state<SampleResult[]>([])
  private readonly follower: JobFollower

  constructor(private readonly api: ApiClient) {
    // The results are read once more at the end: the poll that saw the job end may have read them before its last chunk.
    this.follower = new JobFollower(api, { pollOnProgress: true, onPoll: (job) => this.loadResults(job), onFinal: (job) => this.loadResults(job) })
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

  start = async (input: Input<'sample.start'>): Promise<void> => {
    this.results = []
    await this.follower.start(() => this.api.call('sample.start', input))
  }

  follow = async (job: Job): Promise<void> => {
    this.results = []
    await this.follower.follow(job)
  }

  cancel = (): Promise<void> => this.follower.cancel()
  refresh = (): Promise<void> => this.follower.refresh()
  stop = (): void => this.follower.stop()

  private loadResults = async (job: Job): Promise<void> => {
    const res = await this.api.call('sample.results', { jobId: job.id })
    if (res.ok && this.follower.job?.id === job.id) this.results = res.value
  }
}
