// A compact loss curve for logs and docs: mean and min of the per-step losses over fixed windows.

export interface LossWindow {
  /** First step of the window (1-based, as the trainer counts). */
  fromStep: number
  toStep: number
  mean: number
  min: number
}

export function summariseLosses(losses: readonly number[], window: number): LossWindow[] {
  if (!Number.isInteger(window) || window <= 0) throw new Error(`loss summary: window must be a positive integer, got ${window}`)
  const out: LossWindow[] = []
  for (let i = 0; i < losses.length; i += window) {
    const part = losses.slice(i, i + window)
    out.push({ fromStep: i + 1, toStep: i + part.length, mean: part.reduce((a, b) => a + b, 0) / part.length, min: Math.min(...part) })
  }
  return out
}
