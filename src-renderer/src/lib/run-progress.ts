// What the head of a followed training run says about how far it got, and how far its quality checks
// lag behind. The sources disagree for a moment: the step comes from the newest curve point, which the
// worker writes at most every few hundred milliseconds, while a paused or cancelled run writes its
// checkpoint at the step it really stopped on, and the job's own counter comes from yet another message.

export interface RunProgressView {
  step: number
  totalSteps: number
  checkpoint?: { step: number } | null
}

/**
 * The step the run's head shows: the furthest any source has seen. A checkpoint at step S proves the run
 * got to S, so the head never names an older step than the checkpoint line below it (a cancel used to
 * leave "Step 371 of 4000" above "newest checkpoint: step 386").
 */
export function runStepShown(metrics: RunProgressView | null, job: { done: number } | null): number {
  return Math.max(metrics?.step ?? 0, metrics?.checkpoint?.step ?? 0, job?.done ?? 0)
}

/**
 * One line under the quality curves when the newest check (`checkedStep`, 0 for the starting model's;
 * null when the run has none) is older than the newest checkpoint, else null.
 * Checks run one at a time beside the training; a checkpoint written while one runs waits for the next
 * turn, and a newer one replaces it, so a fast run skips checkpoints rather than queueing them.
 */
export function qualityLagNote(checkedStep: number | null, checkpointStep: number | null, active: boolean): string | null {
  // No check at all (not even the starting model's): checks are off for this run, nothing to explain.
  if (checkedStep === null || checkpointStep === null || checkedStep >= checkpointStep) return null
  const newest = checkedStep > 0 ? `The newest check is of step ${checkedStep.toLocaleString('en')}` : 'No checkpoint has been checked yet'
  const step = checkpointStep.toLocaleString('en')
  return active
    ? `${newest}. Checks run one at a time, each on the newest checkpoint when the one before ends, so checkpoints written meanwhile are skipped; step ${step} or a later one is checked next.`
    : `${newest}. The check of the last checkpoint (step ${step}) has not come back yet; open this screen again later to see it.`
}
