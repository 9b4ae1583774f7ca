// Follows one real-model fine-tune (the managed PyTorch trainer, here or on Slurm): starts it and
// polls its curves and lineage. Pause, resume and cancel are the train job's own (train.*).
import type { Input, RealMetrics, Result } from '@shared/contract'
import { TrainingJobFollower } from '../stores/training-job-follower.svelte'

export class RealRun extends TrainingJobFollower<RealMetrics> {
  protected fetchMetrics(jobId: number): Promise<Result<RealMetrics>> {
    return this.api.call('train.realMetrics', { jobId })
  }

  start = async (input: Input<'train.startReal'>): Promise<void> => {
    this.error = null
    this.busy = true
    await this.followStarted(await this.api.call('train.startReal', input))
  }
}
