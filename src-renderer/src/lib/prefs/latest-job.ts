// The newest job of a kind, so a screen opened while a job runs (or after it ended) shows that job
// instead of an empty form.
import type { Job } from '@shared/contract'
import type { ApiClient } from '../api'

export function pickLatest(jobs: readonly Job[], kind: Job['kind']): Job | null {
  let best: Job | null = null
  for (const j of jobs) if (j.kind === kind && (best === null || j.id > best.id)) best = j
  return best
}

export async function latestJob(api: ApiClient, projectId: number, kind: Job['kind']): Promise<Job | null> {
  const list = await api.call('jobs.list', { projectId })
  return list.ok ? pickLatest(list.value, kind) : null
}
