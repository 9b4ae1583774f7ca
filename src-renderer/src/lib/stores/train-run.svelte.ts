// Follows one training job on the Train screen: starts it and shows its loss curve.
import type { ExecutionProviderChoice, Result, TrainBackendName, TrainMetrics, TrainSettings } from '@shared/contract'
import { TrainingJobFollower } from './training-job-follower.svelte'

export class TrainRun extends TrainingJobFollower<TrainMetrics> {
  protected fetchMetrics(jobId: number): Promise<Result<TrainMetrics>> {
    return this.api.call('train.metrics', { jobId })
  }

  start = async (projectId: number, config: TrainSettings, init: string, backend: TrainBackendName = 'onnxruntime', provider: ExecutionProviderChoice = 'auto'): Promise<void> => {
    this.error = null
    this.busy = true
    await this.followStarted(await this.api.call('train.start', { projectId, config, init, backend, provider }))
  }
}
