// Follows one fine-tuning run on the Fine-tune screen: starts it and shows its three curves.
import type { FinetuneMetrics, Input, Result } from '@shared/contract'
import { TrainingJobFollower } from '../stores/training-job-follower.svelte'

/** Polls allowed after the end while the cancel checkpoint catches up with the step reached. */
const MAX_EXTRA_POLLS = 10

export class FinetuneRun extends TrainingJobFollower<FinetuneMetrics> {
  protected fetchMetrics(jobId: number): Promise<Result<FinetuneMetrics>> {
    return this.api.call('finetune.metrics', { jobId })
  }

  // A cancelled run writes its last checkpoint just after the job turns final: keep polling a few
  // more times until the checkpoint has caught up with the step reached.
  protected override metricsSettled(metrics: FinetuneMetrics | null, pollsAfterEnd: number): boolean {
    return metrics !== null && (metrics.checkpoint?.step === metrics.step || pollsAfterEnd > MAX_EXTRA_POLLS)
  }

  start = async (input: Input<'finetune.start'>): Promise<void> => {
    this.error = null
    this.busy = true
    await this.followStarted(await this.api.call('finetune.start', input))
  }
}
