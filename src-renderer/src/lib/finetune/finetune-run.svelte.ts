// Follows one fine-tuning run on the Fine-tune screen: starts it and shows its three curves.
import type { FinetuneMetrics, Input, Result } from '@shared/contract'
import { TrainingJobFollower } from '../stores/training-job-follower.svelte'

/** Polls allowed after the end while the cancel checkpoint and its quick check catch up. */
const MAX_EXTRA_POLLS = 10

/**
 * Whether a run's metrics are final. A cancelled run turns final at once, but its last checkpoint is
 * written a moment later and the quick quality checks (the starting model's and each checkpoint's)
 * finish after that in the studio: keep polling until the newest checkpoint has caught up with the step
 * reached and has its check, or MAX_EXTRA_POLLS have passed (a run without checks, or a failed check).
 */
export function finetuneMetricsSettled(metrics: FinetuneMetrics | null, pollsAfterEnd: number): boolean {
  if (metrics === null) return false
  if (pollsAfterEnd > MAX_EXTRA_POLLS) return true
  const last = metrics.checkpoint?.step
  return last === metrics.step && metrics.quality.some((q) => q.step === last)
}

export class FinetuneRun extends TrainingJobFollower<FinetuneMetrics> {
  protected fetchMetrics(jobId: number): Promise<Result<FinetuneMetrics>> {
    return this.api.call('finetune.metrics', { jobId })
  }

  protected override metricsSettled(metrics: FinetuneMetrics | null, pollsAfterEnd: number): boolean {
    return finetuneMetricsSettled(metrics, pollsAfterEnd)
  }

  start = async (input: Input<'finetune.start'>): Promise<void> => {
    this.error = null
    this.busy = true
    await this.followStarted(await this.api.call('finetune.start', input))
  }
}
