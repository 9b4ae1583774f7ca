// The head of a followed run against the lines below it: a cancelled fine-tune showed "Step 371 of 4000"
// above "newest checkpoint: step 386" (the curve's last point is throttled; the cancel checkpoint is
// written at the step the run stopped on). And the quality-check line, which lags the checkpoints by
// design, says why and what comes next.
import { describe, expect, it } from 'vitest'
import { qualityLagNote, runStepShown } from '../../src-renderer/src/lib/run-progress'

describe('runStepShown', () => {
  it('never names an older step than the newest checkpoint', () => {
    expect(runStepShown({ step: 371, totalSteps: 4000, checkpoint: { step: 386 } }, { done: 371 })).toBe(386)
  })
  it('takes the job counter when it is ahead of the curve', () => {
    expect(runStepShown({ step: 371, totalSteps: 4000, checkpoint: { step: 350 } }, { done: 380 })).toBe(380)
  })
  it('shows the curve step when it is the newest, and the job counter before the metrics load', () => {
    expect(runStepShown({ step: 371, totalSteps: 4000, checkpoint: null }, { done: 360 })).toBe(371)
    expect(runStepShown(null, { done: 12 })).toBe(12)
    expect(runStepShown(null, null)).toBe(0)
  })
})

describe('qualityLagNote', () => {
  it('explains a lagging check on a running run and names the step checked next', () => {
    const note = qualityLagNote(160, 386, true)
    expect(note).toBe(
      'The newest check is of step 160. Checks run one at a time, each on the newest checkpoint when the one before ends, so checkpoints written meanwhile are skipped; step 386 or a later one is checked next.'
    )
  })
  it('says only the starting model is checked when no checkpoint is', () => {
    expect(qualityLagNote(0, 40, true)).toMatch(/^No checkpoint has been checked yet\. .* step 40 or a later one is checked next\.$/)
  })
  it('says the last check has not come back on a run that ended', () => {
    expect(qualityLagNote(160, 386, false)).toBe('The newest check is of step 160. The check of the last checkpoint (step 386) has not come back yet; open this screen again later to see it.')
  })
  it('says nothing when the checks are up to date or the run has none', () => {
    expect(qualityLagNote(386, 386, true)).toBeNull()
    expect(qualityLagNote(null, 386, true)).toBeNull()
    expect(qualityLagNote(0, null, true)).toBeNull()
  })
})
