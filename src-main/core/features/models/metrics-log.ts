// The loss curve of a run, as JSON lines in <run>/metrics.jsonl: one line per progress report
// (step, loss, it/s, ETA). Appending a line is cheap and a kill can at worst cut the last line,
// which the reader skips. After a resume the run replays steps past its last checkpoint with the
// same losses, so the reader keeps the last line per step.
import { join } from 'node:path'
import { appendJsonLine, latestPerStep, readJsonLines } from '../../fs/jsonl'

export const METRICS_FILE = 'metrics.jsonl'

export interface MetricsLine {
  step: number
  loss: number
  itPerSec: number
  /** Null when unknown (no rate yet); JSON has no Infinity. */
  etaSeconds: number | null
  at: string
  /** Fine-tuning: means of the preference metrics over the `window` steps this line covers. */
  implicitAccuracy?: number | null
  rewardMargin?: number | null
  Z?: number | null
  window?: number
  /** Real-model fine-tunes: mean ε-MSE of the policy and of the frozen reference on the step's batch (the reference's depends on the batch alone). */
  mseModel?: number | null
  mseRef?: number | null
}

export function appendMetrics(runDir: string, line: MetricsLine): void {
  appendJsonLine(join(runDir, METRICS_FILE), line)
}

/** Lines in step order, one per step (the latest written wins); damaged lines are skipped. */
export function readMetrics(runDir: string): MetricsLine[] {
  return latestPerStep(readJsonLines<MetricsLine>(join(runDir, METRICS_FILE), (l) => typeof (l as MetricsLine | null)?.loss === 'number'))
}
/**
 * At most `max` points spread evenly over the curve, always keeping the first and the last, so a
 * long run's curve keeps its shape without shipping every point. The caller reports the total.
 */
export function thin<T>(points: readonly T[], max: number): T[] {
  if (points.length <= max) return [...points]
  const out: T[] = []
  const stride = (points.length - 1) / (max - 1)
  for (let i = 0; i < max; i++) out.push(points[Math.round(i * stride)])
  return out
}
