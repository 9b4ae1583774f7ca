// Pure geometry of the 1-D density plot: scales, ticks and SVG path data. Kept out of the component
// so it is testable without a DOM, and so the exported SVG is built from exactly the same numbers.

export interface PlotBox {
  readonly width: number
  readonly height: number
  readonly left: number
  readonly right: number
  readonly top: number
  readonly bottom: number
}

/** The legend sits in the top margin, clear of the curves and the G1/G2/G3 labels. */
export const PLOT_BOX: PlotBox = { width: 760, height: 380, left: 64, right: 20, top: 40, bottom: 58 }

export interface Scale {
  readonly domain: readonly [number, number]
  readonly range: readonly [number, number]
  (v: number): number
}

export function linearScale(domain: readonly [number, number], range: readonly [number, number]): Scale {
  const [d0, d1] = domain
  const [r0, r1] = range
  if (!(d1 > d0)) throw new Error(`a scale needs an increasing domain, got [${d0}, ${d1}]`)
  const k = (r1 - r0) / (d1 - d0)
  const f = (v: number): number => r0 + (v - d0) * k
  return Object.assign(f, { domain, range })
}

/** A "nice" step (1, 2 or 5 × 10^n) giving about `count` ticks over [lo, hi]. */
export function niceStep(lo: number, hi: number, count: number): number {
  const raw = (hi - lo) / Math.max(1, count)
  if (!(raw > 0) || !Number.isFinite(raw)) return 1
  const mag = 10 ** Math.floor(Math.log10(raw))
  const r = raw / mag
  return (r <= 1 ? 1 : r <= 2 ? 2 : r <= 5 ? 5 : 10) * mag
}

export function ticks(lo: number, hi: number, count: number): number[] {
  const step = niceStep(lo, hi, count)
  const out: number[] = []
  // Index-based so floating error does not add or drop the last tick.
  for (let i = Math.ceil(lo / step - 1e-9); i * step <= hi + step * 1e-9; i++) out.push(Number((i * step).toPrecision(12)))
  return out
}

export function formatTick(v: number, step: number): string {
  const decimals = Math.max(0, -Math.floor(Math.log10(step) + 1e-9))
  return (Object.is(v, -0) ? 0 : v).toFixed(decimals).replace('-', '−')
}

/**
 * Top of the y axis. A collapsed model can put a near-delta spike on the grid that would flatten every
 * other curve, so the axis stops at 3× the reference's peak and taller curves are clipped (and said so).
 */
export function yTop(referencePeak: number, curvePeaks: readonly number[]): number {
  const cap = 3 * referencePeak
  const want = Math.min(cap, Math.max(referencePeak, ...curvePeaks.filter(Number.isFinite)))
  // A fine rounding step keeps the headroom small; the tick step is chosen separately.
  const step = niceStep(0, want * 1.08, 10)
  return Math.ceil((want * 1.08) / step) * step
}

export function peak(values: readonly number[]): number {
  let m = 0
  for (const v of values) if (v > m) m = v
  return m
}

/** SVG path data for y(x) as one polyline; values above the axis are kept and left to the clip path. */
export function linePath(xs: readonly number[], ys: readonly number[], sx: Scale, sy: Scale): string {
  if (xs.length !== ys.length) throw new Error(`a curve needs as many x as y values (${xs.length} vs ${ys.length})`)
  // Clamp far-off values so a spike's path coordinates stay finite and small enough for every renderer.
  const ceiling = sy.domain[1] * 4
  let d = ''
  for (let i = 0; i < xs.length; i++) {
    const y = Math.min(ys[i], ceiling)
    d += `${i === 0 ? 'M' : 'L'}${sx(xs[i]).toFixed(2)} ${sy(y).toFixed(2)}`
  }
  return d
}

/** Index of the grid point nearest to x (grid evenly spaced and increasing). */
export function nearestIndex(grid: readonly number[], x: number): number {
  if (grid.length === 0) return -1
  const lo = grid[0]
  const hi = grid[grid.length - 1]
  const i = Math.round(((x - lo) / (hi - lo)) * (grid.length - 1))
  return Math.min(grid.length - 1, Math.max(0, i))
}
