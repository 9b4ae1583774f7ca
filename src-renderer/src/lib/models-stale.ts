// The model pickers' one way to read models.list: now, and again whenever a training run (plain or
// fine-tune, of any project, since the pickers list every project's runs) ends, so its last checkpoint
// becomes a model to pick without leaving the screen. The studio pushes a job event at every step; only
// the end of a run counts.
import type { Input, Job, ModelEntry, Result } from '@shared/contract'
import { isFinalJobState } from '@shared/job-states'
import type { ApiClient } from './api'

export function modelsListStale(job: Pick<Job, 'kind' | 'state'>): boolean {
  return job.kind === 'train' && isFinalJobState(job.state)
}

export interface ModelsFollower {
  /** Reads the list again now (a screen's own reason, such as its run's newest checkpoint changing). */
  read: () => void
  /** Stops listening; an answer still on its way is dropped. */
  stop: () => void
}

/**
 * Reads models.list at once and again after each run that ends. `apply` gets only the newest read's
 * answer: reads overlap when runs end close together, and an older answer arriving last would bring
 * back a list without the newest checkpoints.
 */
export function followModels(api: ApiClient, input: Input<'models.list'>, apply: (r: Result<ModelEntry[]>) => void): ModelsFollower {
  let reads = 0
  let stopped = false
  const read = (): void => {
    const n = ++reads
    void api.call('models.list', input).then((r) => {
      if (!stopped && n === reads) apply(r)
    })
  }
  const unsubscribe = api.onEvent('job.progress', (job) => {
    if (modelsListStale(job)) read()
  })
  read()
  return {
    read,
    stop: () => {
      stopped = true
      unsubscribe()
    }
  }
}

/** A picker's choice once the list is read again: the user's pick while it is still listed, else `fallback`. */
export function keptChoice(current: string, models: readonly Pick<ModelEntry, 'id'>[], fallback: string): string {
  return models.some((m) => m.id === current) ? current : fallback
}

/** Check boxes' choices once the list is read again: the ticked models still listed, in their order. */
export function keptChoices(current: readonly string[], models: readonly Pick<ModelEntry, 'id'>[]): string[] {
  return current.filter((id) => models.some((m) => m.id === id))
}
