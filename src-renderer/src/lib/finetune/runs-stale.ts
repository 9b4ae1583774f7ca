// When the Runs list must be read again (issue 10: it used to keep showing "running" after a run ended
// until the page was reloaded). A job event says so when it is a run of this project that the list
// does not show yet, or one whose state changed (started, paused, ended); progress ticks of a run
// already shown in its state do not, so a running run does not reload the list at every step.
import type { Job, RunSummary } from '@shared/contract'

export function runsListStale(job: Pick<Job, 'id' | 'kind' | 'projectId' | 'state'>, projectId: number, runs: ReadonlyArray<Pick<RunSummary, 'jobId' | 'state'>>): boolean {
  if (job.kind !== 'train' || job.projectId !== projectId) return false
  const shown = runs.find((r) => r.jobId === job.id)
  return shown === undefined || shown.state !== job.state
}
