// The Runs table beside the run a screen follows (issue 10): the table is read from the studio when a
// run starts or ends, while the run's header above it follows the job live. A read answered late (HTTP
// calls can come back out of order) left "0 / 20, running" in the table under a header that said the
// run had finished at 20 of 20. The followed run's row takes its state and step from what the header shows.
import type { Job, RunSummary } from '@shared/contract'

export interface FollowedRun {
  job: Pick<Job, 'id' | 'state'> | null
  /** The step the header shows (the run's metrics, else the job's counter). */
  step: number | null
}

export function withFollowedRun<R extends Pick<RunSummary, 'jobId' | 'state' | 'step'>>(runs: readonly R[], followed: FollowedRun | undefined): R[] {
  const job = followed?.job
  if (!job) return [...runs]
  return runs.map((r) => (r.jobId === job.id ? { ...r, state: job.state, step: followed.step ?? r.step } : r))
}
