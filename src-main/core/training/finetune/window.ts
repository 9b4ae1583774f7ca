// Means of the step metrics since the last progress report. Progress is throttled, and a single
// step's implicit accuracy over a handful of samples is noisy; the mean over the window is what the
// curves plot, with the number of steps it covers.
import type { StepMetrics } from './objective'

export interface WindowMeans {
  steps: number
  loss: number
  implicitAccuracy: number | null
  rewardMargin: number | null
  Z: number | null
}

export function metricsWindow() {
  let n = 0
  const sums = { loss: 0, implicitAccuracy: 0, rewardMargin: 0, Z: 0 }
  const seen = { implicitAccuracy: 0, rewardMargin: 0, Z: 0 }
  return {
    add(m: StepMetrics): void {
      n++
      sums.loss += m.loss
      for (const k of ['implicitAccuracy', 'rewardMargin', 'Z'] as const) {
        const v = m[k]
        if (v !== null && Number.isFinite(v)) {
          sums[k] += v
          seen[k]++
        }
      }
    },
    /** The means so far, then starts a new window. */
    take(): WindowMeans | null {
      if (n === 0) return null
      const mean = (k: 'implicitAccuracy' | 'rewardMargin' | 'Z'): number | null => (seen[k] > 0 ? sums[k] / seen[k] : null)
      const out = { steps: n, loss: sums.loss / n, implicitAccuracy: mean('implicitAccuracy'), rewardMargin: mean('rewardMargin'), Z: mean('Z') }
      n = 0
      sums.loss = sums.implicitAccuracy = sums.rewardMargin = sums.Z = 0
      seen.implicitAccuracy = seen.rewardMargin = seen.Z = 0
      return out
    }
  }
}
