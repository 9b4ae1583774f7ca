// The line a report opens with (issue 10, "a short summary first"): each axis's pooled discrepancy
// with its interval, for the last model against the first (the usual before -> after of a compare
// report), or for the one model of a single-model report. The numbers are the ones the report shows
// below, so the summary never says anything the report does not.
import type { Estimate, ModelReport, Report } from './report-model'

const two = (v: number | null): string => (v === null || !Number.isFinite(v) ? 'n/a' : v.toFixed(2))
const interval = (e: Estimate): string => (e.ciLow === null || e.ciHigh === null ? '' : ` [${two(e.ciLow)}, ${two(e.ciHigh)}]`)
const capitalised = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1)

function discrepancyOf(model: ModelReport, axis: string): Estimate | null {
  return model.axes.find((a) => a.axis === axis)?.pooled.discrepancy ?? null
}

/** "Silhouette discrepancy 0.39 → 0.17 [0.12, 0.22] · tone … (lower is fairer): Run 1 · step 20 against Base model". */
export function reportSummary(report: Report): string {
  const models = report.models
  if (models.length === 0) return 'This report holds no model, so it has no figures.'
  const last = models[models.length - 1]
  const first = models.length > 1 ? models[0] : null
  const figures = report.axes.map(({ name }) => {
    const now = discrepancyOf(last, name)
    if (!now || now.value === null) return `${name} discrepancy not measured (no classified image)`
    const before = first ? discrepancyOf(first, name) : null
    const from = first ? `${two(before?.value ?? null)} → ` : ''
    return `${name} discrepancy ${from}${two(now.value)}${interval(now)}`
  })
  if (figures.length === 0) return `${last.label}: this report has no attribute axis to measure.`
  const whose = first ? `${last.label} against ${first.label}` : `${last.label}, ${last.images.toLocaleString('en')} image${last.images === 1 ? '' : 's'}`
  return `${capitalised(figures.join(' · '))} (lower is fairer): ${whose}.`
}
