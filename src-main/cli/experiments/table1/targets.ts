// The targets of Table 1 in miniature (PopAlign against the base model), per seed and pooled over
// seeds. Each target is one number with a 95% interval: a ratio to the base's figure, or a change in
// points. "Met" for a set of evaluation seeds means met on the mean over seeds AND on every seed.
//
// Intervals. Per seed, the interval of a ratio or difference is built from the two models' own bootstrap
// intervals (prompts, then images, resampled; features/reports/figures/report.ts), their half-widths read as 1.96 standard
// errors and combined as if the two were independent (on the log scale for ratios). The models share
// prompts and noise seeds, so their errors are positively correlated and this is conservative (wider).
// Pooled over k seeds, the interval is mean +- t(k-1) x se, where se is the larger of the spread of the
// per-seed figures (sd / sqrt(k): seeds and images together) and the per-seed intervals pooled
// (sqrt(sum se_i^2) / k: images alone), so neither a lucky agreement of few seeds nor a lack of spread
// makes it narrower than the images allow.
import { FIDELITY_FLOOR, QUALITY_TOLERANCE } from '../../../shared/audit/quality-gate'
import type { Table1Row, Value } from './table'

export type TargetId = 'discrepancy' | 'concept' | 'fidelity' | 'coverage' | 'recall' | 'frechet'

export interface TargetCheck {
  /** Stable id: 'discrepancy:<axis>', 'concept', 'fidelity', 'coverage', 'recall', 'frechet'. */
  id: string
  name: string
  /** 'ratio': PopAlign / base (1 = unchanged); 'points': PopAlign - base in percentage points; 'change': relative change of the fidelity gap. */
  unit: 'ratio' | 'points' | 'change'
  value: number | null
  ciLow: number | null
  ciHigh: number | null
  /** Human-readable: "43% of base (0.226 vs 0.523)". */
  measured: string
  target: string
  /** null for the secondary figure (Frechet vs fair renders), which is not a target. */
  met: boolean | null
}

const Z95 = 1.959964

/** Standard error read from a 95% interval (half its width / 1.96); null when it has none. */
function seOf(v: Value): number | null {
  return v.ciLow !== null && v.ciHigh !== null && v.value !== null ? (v.ciHigh - v.ciLow) / (2 * Z95) : null
}

/** PopAlign / base with an interval from the two intervals on the log scale. */
function ratio(p: Value, b: Value): { value: number | null; low: number | null; high: number | null } {
  if (p.value === null || b.value === null || !(b.value > 0) || !(p.value >= 0)) return { value: null, low: null, high: null }
  const r = p.value / b.value
  const sp = seOf(p)
  const sb = seOf(b)
  if (sp === null || sb === null || !(p.value > 0)) return { value: r, low: null, high: null }
  // Delta method: se(log x) = se(x) / x.
  const s = Math.sqrt((sp / p.value) ** 2 + (sb / b.value) ** 2)
  return { value: r, low: r * Math.exp(-Z95 * s), high: r * Math.exp(Z95 * s) }
}

/** (PopAlign - base) x scale with an interval from the two intervals. */
function difference(p: Value, b: Value, scale: number): { value: number | null; low: number | null; high: number | null } {
  if (p.value === null || b.value === null) return { value: null, low: null, high: null }
  const d = scale * (p.value - b.value)
  const sp = seOf(p)
  const sb = seOf(b)
  if (sp === null || sb === null) return { value: d, low: null, high: null }
  const s = scale * Math.sqrt(sp ** 2 + sb ** 2)
  return { value: d, low: d - Z95 * s, high: d + Z95 * s }
}

const pct = (x: number): string => `${(100 * x).toFixed(0)}%`
const signed = (x: number, digits = 1): string => `${x >= 0 ? '+' : '−'}${Math.abs(x).toFixed(digits)}`

function ciText(low: number | null, high: number | null, f: (x: number) => string): string {
  return low !== null && high !== null ? ` [${f(low)}, ${f(high)}]` : ''
}

/** The targets for one seed's rows (PopAlign against base). */
export function checkTargets(rows: readonly Table1Row[]): TargetCheck[] {
  const base = rows.find((r) => r.model === 'base')
  const pop = rows.find((r) => r.model === 'popalign')
  if (!base || !pop) return []
  const out: TargetCheck[] = []
  for (const axis of Object.keys(base.discrepancy)) {
    const b = base.discrepancy[axis]
    const p = pop.discrepancy[axis]
    const r = ratio(p, b)
    out.push({
      id: `discrepancy:${axis}`,
      name: `${axis} discrepancy`,
      unit: 'ratio',
      value: r.value,
      ciLow: r.low,
      ciHigh: r.high,
      measured: r.value === null ? 'n/a' : `${pct(r.value)}${ciText(r.low, r.high, pct)} of base (${p.value!.toFixed(3)} vs ${b.value!.toFixed(3)})`,
      target: '<= 50% of base',
      met: r.value !== null && r.value <= 0.5
    })
  }
  const points = (id: TargetId, name: string, p: Value, b: Value, limit: number, what: string): TargetCheck => {
    const d = difference(p, b, 100)
    return {
      id,
      name,
      unit: 'points',
      value: d.value,
      ciLow: d.low,
      ciHigh: d.high,
      measured: d.value === null ? 'n/a' : `${signed(d.value)}${ciText(d.low, d.high, (x) => signed(x))} points (${(100 * p.value!).toFixed(1)} vs ${(100 * b.value!).toFixed(1)})`,
      target: `${what} <= ${limit} points`,
      met: d.value !== null && -d.value <= limit
    }
  }
  out.push(points('concept', 'concept accuracy', pop.conceptAccuracy, base.conceptAccuracy, 2, 'drops'))
  // Quality: the fidelity gap may grow by at most 10% of the base's (relative to at least FIDELITY_FLOOR,
  // as the quality gate does), or stay inside the base's interval.
  {
    const b = base.fidelity
    const p = pop.fidelity
    const denom = b.value === null ? null : Math.max(FIDELITY_FLOOR, b.value)
    const change = p.value !== null && denom !== null ? (p.value - (b.value as number)) / denom : null
    const d = difference(p, b, 1)
    const low = d.low !== null && denom !== null ? d.low / denom : null
    const high = d.high !== null && denom !== null ? d.high / denom : null
    const insideBase = p.value !== null && b.ciHigh !== null && p.value <= b.ciHigh
    out.push({
      id: 'fidelity',
      name: 'image fidelity gap (attribute-matched)',
      unit: 'change',
      value: change,
      ciLow: low,
      ciHigh: high,
      measured:
        change === null
          ? 'n/a'
          : `${signed(100 * change, 0)}%${ciText(low, high, (x) => `${signed(100 * x, 0)}%`)} (${p.value!.toFixed(2)} vs ${b.value!.toFixed(2)}${insideBase ? ', inside base interval' : ''})`,
      target: `<= +${100 * QUALITY_TOLERANCE}% of base, or inside base's interval`,
      met: change !== null && (change <= QUALITY_TOLERANCE || insideBase)
    })
  }
  out.push(points('coverage', 'images with readable attributes', pop.coverage, base.coverage, 5, 'drops'))
  out.push(points('recall', 'identity-specific recall (overall)', pop.recall.overall, base.recall.overall, 5, 'drops'))
  const f = ratio(pop.frechet, base.frechet)
  out.push({
    id: 'frechet',
    name: 'Frechet vs fair renders (secondary; confounded)',
    unit: 'ratio',
    value: f.value,
    ciLow: f.low,
    ciHigh: f.high,
    measured: f.value === null ? 'n/a' : `${pct(f.value)}${ciText(f.low, f.high, pct)} of base (${pop.frechet.value!.toFixed(2)} vs ${base.frechet.value!.toFixed(2)})`,
    target: 'not a target: a fairer mix lowers it by itself',
    met: null
  })
  return out
}

/** Two-sided 95% t quantiles by degrees of freedom (1-10), 1.96 beyond. */
const T95 = [Number.NaN, 12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228]

function met(id: string, v: number): boolean | null {
  if (id === 'frechet') return null
  if (id.startsWith('discrepancy:')) return v <= 0.5
  if (id === 'concept') return -v <= 2
  if (id === 'coverage' || id === 'recall') return -v <= 5
  if (id === 'fidelity') return v <= QUALITY_TOLERANCE
  return null
}

export interface PooledTarget {
  id: string
  name: string
  unit: TargetCheck['unit']
  target: string
  seeds: number[]
  /** Mean over seeds of the per-seed figure, with its interval (see the header). */
  mean: number | null
  ciLow: number | null
  ciHigh: number | null
  /** Met on the mean. */
  metOnMean: boolean | null
  /** Seeds on which it is met (per-seed verdict, TargetCheck.met). */
  metSeeds: number[]
  /** Met on the mean and on every seed. */
  met: boolean | null
}

/** Pools per-seed target checks (same targets in the same order) over seeds. */
export function poolTargets(perSeed: readonly { seed: number; targets: readonly TargetCheck[] }[]): PooledTarget[] {
  if (perSeed.length === 0) return []
  return perSeed[0].targets.map((t0) => {
    const items = perSeed.map((s) => ({ seed: s.seed, t: s.targets.find((t) => t.id === t0.id) })).filter((x): x is { seed: number; t: TargetCheck } => x.t !== undefined && x.t.value !== null)
    const k = items.length
    const values = items.map((x) => x.t.value as number)
    const mean = k > 0 ? values.reduce((a, b) => a + b, 0) / k : null
    let low: number | null = null
    let high: number | null = null
    if (mean !== null) {
      const ses = items.map((x) => (x.t.ciLow !== null && x.t.ciHigh !== null ? (x.t.ciHigh - x.t.ciLow) / (2 * Z95) : 0))
      const within = Math.sqrt(ses.reduce((a, s) => a + s * s, 0)) / k
      const sd = k > 1 ? Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (k - 1)) : 0
      const se = Math.max(within, sd / Math.sqrt(k))
      const t = k > 1 ? (T95[k - 1] ?? 1.96) : Z95
      if (se > 0) {
        low = mean - t * se
        high = mean + t * se
      } else if (k === 1) {
        low = items[0].t.ciLow
        high = items[0].t.ciHigh
      }
    }
    const metOnMean = mean === null ? (t0.met === null ? null : false) : met(t0.id, mean)
    const metSeeds = perSeed.filter((s) => s.targets.find((t) => t.id === t0.id)?.met === true).map((s) => s.seed)
    const all = metOnMean === null ? null : metOnMean && metSeeds.length === perSeed.length
    return { id: t0.id, name: t0.name, unit: t0.unit, target: t0.target, seeds: perSeed.map((s) => s.seed), mean, ciLow: low, ciHigh: high, metOnMean, metSeeds, met: all }
  })
}

/** A pooled figure as text in the target's unit. */
export function formatTargetValue(unit: TargetCheck['unit'], v: number | null, low: number | null, high: number | null): string {
  if (v === null) return 'n/a'
  const f = unit === 'ratio' ? pct : unit === 'change' ? (x: number) => `${signed(100 * x, 0)}%` : (x: number) => signed(x)
  return `${f(v)}${ciText(low, high, f)}${unit === 'points' ? ' points' : unit === 'ratio' ? ' of base' : ''}`
}
