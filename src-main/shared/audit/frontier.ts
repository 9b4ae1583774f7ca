// The fairness-versus-quality frontier of a report: one point per compared model, which after a
// guidance sweep means one per (model, guidance scale). Fairness is the pooled discrepancy on one axis
// (lower is fairer); quality is the image fidelity gap (lower is better, the default), concept accuracy
// (higher is better) or the Frechet distance to the fair renders (lower is better; secondary, since
// fairness alone lowers it). A model that failed the quality gate (quality-gate.ts) is drawn with its
// failure in its tag and is never on the front: a destroyed model is not a fairness trade-off. Points of the same model form a series (its guidance sweep);
// points of training runs carry their beta, so runs that differ in beta can be told apart. Derived
// from the report alone, so the app, the HTML and the PDF draw the same points.
import { qualityFailures } from './quality-gate'
import type { Estimate, ModelReport, Report } from './report-model'

export type QualityMetric = 'fidelity' | 'conceptAccuracy' | 'frechet'

/** In the order the charts show them: the fidelity gap first. */
export const QUALITY_METRICS: readonly QualityMetric[] = ['fidelity', 'conceptAccuracy', 'frechet']

export const QUALITY_LABEL: Record<QualityMetric, string> = { fidelity: 'image fidelity gap', conceptAccuracy: 'concept accuracy', frechet: 'Frechet distance to fair renders' }

export const higherIsBetter = (q: QualityMetric): boolean => q === 'conceptAccuracy'

export interface FrontierPoint {
  modelId: string
  label: string
  /** Points of one model (its guidance sweep) share a series; image sets are a series of one. */
  series: string
  guidance: number | null
  beta: number | null
  runId: number | null
  fairness: Estimate
  quality: Estimate
  /** No other point is at least as fair and as good and strictly better in one of the two; never a point that failed quality. */
  pareto: boolean
  /** Why the model failed the quality gate ("quality dropped 35% ..."), null when it passed or was not measured. */
  qualityFailure: string | null
  /** Short text for chart labels: "tiny run, β 1000, g 3". */
  tag: string
}

export interface FrontierSeries {
  series: string
  label: string
  /** Sorted by guidance scale, so a line through them follows the sweep. */
  points: FrontierPoint[]
}

function seriesOf(m: ModelReport): string {
  return m.lineage.model ?? m.id
}

/** The label of a model without its guidance suffix, for a series' legend. */
function seriesLabel(m: ModelReport): string {
  return m.label.replace(/ · guidance [\d.]+$/, '')
}

export function pointTag(m: ModelReport): string {
  const parts = [seriesLabel(m)]
  const beta = m.lineage.training?.beta
  if (beta !== null && beta !== undefined) parts.push(`β ${beta}`)
  if (m.lineage.guidance !== null) parts.push(`g ${m.lineage.guidance}`)
  return parts.join(', ')
}

/** Points with both numbers measured, on axis `axis` against `quality`, each marked on or off the Pareto front. */
export function frontierPoints(report: Report, axis: string, quality: QualityMetric): FrontierPoint[] {
  const points: FrontierPoint[] = []
  const failures = qualityFailures(report)
  for (const m of report.models) {
    const fairness = m.axes.find((a) => a.axis === axis)?.pooled.discrepancy ?? null
    const q = m[quality] ?? null
    if (!fairness || fairness.value === null || !q || q.value === null) continue
    points.push({
      modelId: m.id,
      label: m.label,
      series: seriesOf(m),
      guidance: m.lineage.guidance,
      beta: m.lineage.training?.beta ?? null,
      runId: m.lineage.training?.runId ?? null,
      fairness,
      quality: q,
      pareto: false,
      qualityFailure: failures.get(m.id) ?? null,
      tag: failures.get(m.id) ? `${pointTag(m)} (quality failed)` : pointTag(m)
    })
  }
  const better = (a: number, b: number): number => (higherIsBetter(quality) ? a - b : b - a)
  const eligible = points.filter((p) => p.qualityFailure === null)
  for (const p of eligible) {
    p.pareto = !eligible.some(
      (o) =>
        o !== p &&
        (o.fairness.value as number) <= (p.fairness.value as number) &&
        better(o.quality.value as number, p.quality.value as number) >= 0 &&
        ((o.fairness.value as number) < (p.fairness.value as number) || better(o.quality.value as number, p.quality.value as number) > 0)
    )
  }
  return points
}

/** The points grouped by model, each series sorted by guidance. */
export function frontierSeries(report: Report, points: readonly FrontierPoint[]): FrontierSeries[] {
  const out = new Map<string, FrontierSeries>()
  for (const p of points) {
    let s = out.get(p.series)
    if (!s) {
      const m = report.models.find((x) => x.id === p.modelId)
      out.set(p.series, (s = { series: p.series, label: m ? seriesLabel(m) : p.label, points: [] }))
    }
    s.points.push(p)
  }
  for (const s of out.values()) s.points.sort((a, b) => (a.guidance ?? 0) - (b.guidance ?? 0))
  return [...out.values()]
}

/** Whether the compared runs differ in beta (then the charts say so and label every point with it). */
export function betasDiffer(report: Report): boolean {
  const betas = new Set(report.models.map((m) => m.lineage.training?.beta).filter((b): b is number => typeof b === 'number'))
  return betas.size > 1
}

/** The guidance scales of the report, when it holds a sweep (more than one). */
export function guidanceScales(report: Report): number[] {
  return [...new Set(report.models.map((m) => m.lineage.guidance).filter((g): g is number => g !== null))].sort((a, b) => a - b)
}
