// The loss curve of a run, as JSON lines in <run>/metrics.jsonl: one line per progress report
// (step, loss, it/s, ETA). Appending a line is cheap and a kill can at worst cut the last line,
// which the reader skips. After a resume the run replays steps past its last checkpoint with the
// same losses, so the reader keeps the last line per step.
import { appendFileSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { isMissingPath } from '../fs/missing'

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
}

export function appendMetrics(runDir: string, line: MetricsLine): void {
  appendFileSync(join(runDir, METRICS_FILE), JSON.stringify(line) + '\n')
}

/** Lines in step order, one per step (the latest written wins); damaged lines are skipped. */
export function readMetrics(runDir: string): MetricsLine[] {
  let text: string
  try {
    text = readFileSync(join(runDir, METRICS_FILE), 'utf8')
  } catch (err) {
    if (isMissingPath(err)) return []
    throw err
  }
  const byStep = new Map<number, MetricsLine>()
  for (const raw of text.split('\n')) {
    if (!raw) continue
    try {
      const l = JSON.parse(raw) as MetricsLine
      if (Number.isInteger(l.step) && l.step >= 0 && typeof l.loss === 'number') byStep.set(l.step, l)
    } catch {
      // A line cut by a kill mid-append.
    }
  }
  return [...byStep.values()].sort((a, b) => a.step - b.step)
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
