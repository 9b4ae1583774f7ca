// Per-annotator bias diagnostics for the owner: does someone keep picking the left side, and which
// decisions were made implausibly fast or slow.
import type { Interval } from '../../stats/bootstrap'

const Z95 = 1.959963984540054

/** Wilson score interval for k successes in n trials (well-behaved at small n and at 0 or n). */
export function wilsonInterval(k: number, n: number, z = Z95): Interval | null {
  if (!Number.isInteger(k) || !Number.isInteger(n) || k < 0 || k > n) throw new Error(`wilsonInterval needs 0 <= k <= n, got k=${k}, n=${n}`)
  if (n === 0) return null
  const p = k / n
  const z2 = z * z
  const denom = 1 + z2 / n
  const centre = (p + z2 / (2 * n)) / denom
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / denom
  return { low: Math.max(0, centre - half), high: Math.min(1, centre + half) }
}

export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null
  const s = [...values].sort((a, b) => a - b)
  const mid = s.length >> 1
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2
}

/** Below this many decisions a robust spread cannot be estimated, so nothing is flagged. */
export const MIN_DECISIONS_FOR_OUTLIERS = 5
const OUTLIER_Z = 3.5

/**
 * Indices of response times whose modified z-score (Iglewicz and Hoaglin: 0.6745 * deviation / MAD,
 * on log time because response times are right-skewed) exceeds 3.5.
 */
export function responseTimeOutliers(responseMs: readonly number[]): number[] {
  if (responseMs.length < MIN_DECISIONS_FOR_OUTLIERS) return []
  const logs = responseMs.map((ms) => Math.log1p(Math.max(0, ms)))
  const med = median(logs)!
  const mad = median(logs.map((x) => Math.abs(x - med)))!
  if (mad === 0) return [] // more than half identical: no spread to measure against
  const out: number[] = []
  logs.forEach((x, i) => {
    if (Math.abs((0.6745 * (x - med)) / mad) > OUTLIER_Z) out.push(i)
  })
  return out
}
