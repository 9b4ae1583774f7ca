// Lists that a background job grows (the prompts and images an import, a sampling run or an acquisition
// adds) follow that job's end instead of waiting for a reload: the demo project's import runs in the
// background on first start, and a screen opened before it ended must show what it brought (issue 10).
import type { Job } from '@shared/contract'
import { isFinalJobState } from '@shared/job-states'
import type { ApiClient } from '../api'

/** The job kinds that add prompts or images to a project. */
export const IMAGE_MAKING_JOBS: readonly Job['kind'][] = ['import', 'sample', 'acquire']

/** Whether this event is the end of a job of the project, of one of the kinds. */
export const endsJobOf = (job: Job, projectId: number, kinds: readonly Job['kind'][]): boolean => job.projectId === projectId && kinds.includes(job.kind) && isFinalJobState(job.state)

/**
 * Calls `onEnd` once for each job of the project and kinds that ends (in this tab, another tab or the
 * server's own start-up work); a failed or cancelled import may still have added images, so every end
 * counts. Returns the unsubscribe function, for an $effect to return.
 */
export function onProjectJobEnd(api: ApiClient, projectId: number, kinds: readonly Job['kind'][], onEnd: (job: Job) => void): () => void {
  const seen = new Set<number>()
  return api.onEvent('job.progress', (job) => {
    if (!endsJobOf(job, projectId, kinds) || seen.has(job.id)) return
    seen.add(job.id)
    onEnd(job)
  })
}
