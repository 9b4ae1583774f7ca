// When a model picker must read models.list again: a training run (plain or fine-tune, of any
// project, since the pickers list every project's runs) has ended, so its last checkpoint is now a
// model to start from. The studio pushes a job event at every step; only the end of a run counts.
import type { Job } from '@shared/contract'
import { isFinalJobState } from '@shared/job-states'

export function modelsListStale(job: Pick<Job, 'kind' | 'state'>): boolean {
  return job.kind === 'train' && isFinalJobState(job.state)
}
