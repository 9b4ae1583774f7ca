// When the Fine-tune screen stops following a run that has ended: a cancelled run turns final at once,
// while its last checkpoint and the quick quality checks (the starting model's first) land a moment
// later, so the screen keeps polling until the newest checkpoint has caught up and has its check, for at
// most a bounded number of polls. Onnxruntime's faster steps made the screen stop before the starting
// model's check arrived (the e2e Fine-tune test saw no start sheet).
import { describe, expect, it } from 'vitest'
import type { FinetuneMetrics, QualityPoint } from '@shared/contract'
import { finetuneMetricsSettled } from '../../src-renderer/src/lib/finetune/finetune-run.svelte'

const check = (step: number): QualityPoint => ({ step, fidelity: null, discrepancy: [], conceptAccuracy: null, sheet: 'data:image/png;base64,', quality: null })

function metrics(step: number, checkpoint: number | null, quality: number[]): FinetuneMetrics {
  return {
    jobId: 1,
    state: 'cancelled',
    step,
    totalSteps: 100,
    loss: 0.6,
    itPerSec: null,
    etaSeconds: null,
    points: [],
    totalPoints: 0,
    backend: 'onnxruntime-node 1.30.0 (CPU, 2 threads, basic optimisation)',
    checkpoint: checkpoint === null ? null : { step: checkpoint, modelId: `run:1@${checkpoint}` },
    quality: quality.map(check),
    best: null,
    qualityDrop: null,
    guard: [],
    method: 'popalign',
    finetunePoints: []
  }
}

describe('fine-tune follower settles', () => {
  it('waits for the cancel checkpoint and then for its quick check', () => {
    expect(finetuneMetricsSettled(null, 1)).toBe(false)
    expect(finetuneMetricsSettled(metrics(37, 30, [0, 30]), 1)).toBe(false)
    // The checkpoint caught up, but the checks (the starting model's first) have not landed yet.
    expect(finetuneMetricsSettled(metrics(37, 37, []), 1)).toBe(false)
    expect(finetuneMetricsSettled(metrics(37, 37, [0]), 2)).toBe(false)
    expect(finetuneMetricsSettled(metrics(37, 37, [0, 37]), 3)).toBe(true)
  })

  it('gives up after a bounded number of polls (a run without checks, or a check that failed)', () => {
    expect(finetuneMetricsSettled(metrics(37, 37, []), 10)).toBe(false)
    expect(finetuneMetricsSettled(metrics(37, 37, []), 11)).toBe(true)
  })
})
