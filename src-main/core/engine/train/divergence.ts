// Loss spikes and divergence. A run whose loss turns non-finite, or stays far above its own recent
// level for several steps in a row, is diverging; a single high step is not: with the 1/sqrt(SNR)
// weighting (weights up to ~157) one batch that happens to draw the noisiest timesteps has a loss many
// times the median, and after a rollback the run replays the very same batches, so judging single
// steps rolled such runs back at the same step at any learning rate until they stopped. by default it rolls back to its last good checkpoint with half the learning
// rate (at most MAX_ROLLBACKS times), otherwise it stops, and either way it says so. The guard only
// judges losses; run.ts does the rolling back.

export type DivergencePolicy = 'rollback' | 'stop'

export const DIVERGENCE_POLICIES: readonly DivergencePolicy[] = ['rollback', 'stop']

/** Rollbacks before the run stops for good: each halves the learning rate. */
export const MAX_ROLLBACKS = 3
export const ROLLBACK_LR_FACTOR = 0.5

export interface DivergenceSettings {
  /** Recent losses the running median is taken over. */
  window: number
  /** Losses judged only once this many are in the window (the first steps of a run are erratic). */
  warmup: number
  /** A loss above factor x the running median is high. */
  spikeFactor: number
  /** This many high losses in a row are a spike (divergence); fewer are the data's own variance. */
  persist: number
  /**
   * The median used is at least this share of the median of the first full window, so a loss that
   * has fallen close to 0 does not make ordinary noise look like a tenfold spike.
   */
  floorShare: number
}

export const DEFAULT_DIVERGENCE: DivergenceSettings = { window: 50, warmup: 20, spikeFactor: 10, persist: 3, floorShare: 0.05 }

export type DivergenceVerdict = { kind: 'ok' } | { kind: 'non-finite'; loss: number } | { kind: 'spike'; loss: number; median: number; factor: number; steps: number }

export function describeDivergence(v: Exclude<DivergenceVerdict, { kind: 'ok' }>, step: number): string {
  return v.kind === 'non-finite'
    ? `the loss became ${v.loss} at step ${step}`
    : `the loss stayed above ${v.factor}x its running median ${v.median.toPrecision(3)} for ${v.steps} steps, reaching ${v.loss.toPrecision(3)} at step ${step}`
}

function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2
}

export class DivergenceGuard {
  private recent: number[] = []
  private floor = 0
  private high = 0

  constructor(private readonly settings: DivergenceSettings = DEFAULT_DIVERGENCE) {}

  /** Judges one step's loss; a high loss is not added to the window (it would raise its own bar). */
  observe(loss: number): DivergenceVerdict {
    if (!Number.isFinite(loss)) return { kind: 'non-finite', loss }
    const s = this.settings
    if (this.recent.length >= s.warmup) {
      const m = Math.max(median(this.recent), this.floor)
      if (m > 0 && loss > s.spikeFactor * m) {
        this.high++
        return this.high >= s.persist ? { kind: 'spike', loss, median: m, factor: s.spikeFactor, steps: this.high } : { kind: 'ok' }
      }
    }
    this.high = 0
    this.recent.push(loss)
    if (this.recent.length > s.window) this.recent.shift()
    if (this.floor === 0 && this.recent.length === s.window) this.floor = s.floorShare * median(this.recent)
    return { kind: 'ok' }
  }

  /** After a rollback the loss level is the checkpoint's, so the window starts again. */
  reset(): void {
    this.recent = []
    this.high = 0
  }
}
