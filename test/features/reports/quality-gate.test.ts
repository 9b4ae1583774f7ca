// A destroyed model must never look like a fairness trade-off: against the report's baseline, a model
// whose fidelity gap grew beyond the tolerance (and outside the intervals) is flagged in the frontier,
// kept off the Pareto front, and warned about in the HTML and PDF.
import { describe, expect, it } from 'vitest'
import { renderReportHtml } from '../../../src-main/core/features/reports/writers/export-html'
import { renderReportPdf } from '../../../src-main/core/features/reports/writers/export-pdf'
import { buildReport } from '../../../src-main/core/features/reports/figures/report'
import { frontierPoints } from '../../../src-main/shared/audit/frontier'
import { compareFidelity, qualityBaseline, qualityFailures, QUALITY_TOLERANCE } from '../../../src-main/shared/audit/quality-gate'
import type { Estimate, Report } from '../../../src-main/shared/audit/report-model'
import { handInput, lineage } from './fixtures'
import { inspectPdf } from './pdf-inspect'

const est = (value: number, half: number): Estimate => ({ value, ciLow: value - half, ciHigh: value + half, n: 100, method: 'pairs', sentence: `value ${value}`, evidence: [] })

function report(noisyFidelity: number): Report {
  const built = buildReport(handInput())
  const m0 = built.models[0]
  const model = (id: string, label: string, ref: string, fidelity: Estimate, disc: number): Report['models'][number] => ({
    ...m0,
    id,
    label,
    lineage: { ...lineage(), model: ref },
    fidelity,
    axes: m0.axes.map((a) => ({ ...a, pooled: { ...a.pooled, discrepancy: est(disc, 0.02) } }))
  })
  return { ...built, models: [model('base', 'base model', 'base', est(6.6, 0.9), 0.4), model('noisy', 'noisy fine-tune', 'run:2', est(noisyFidelity, 1), 0.1)] }
}

describe('quality gate', () => {
  it('fails a significant drop beyond the tolerance and passes noise or a small drop', () => {
    expect(compareFidelity(est(9, 1), est(6.6, 0.9))?.failed).toBe(true)
    expect(compareFidelity(est(7.1, 1), est(6.6, 0.9))?.failed).toBe(false) // within 10%
    expect(compareFidelity(est(8.5, 1.5), est(6.6, 0.9))?.failed).toBe(false) // intervals overlap
    // A near-perfect baseline: the floor keeps 0.05 -> 0.3 from reading as a 500% drop.
    expect(compareFidelity(est(0.3, 0.1), est(0.05, 0.1))?.change).toBeCloseTo(0.25, 6)
    expect(QUALITY_TOLERANCE).toBe(0.1)
  })

  it('judges against the base model, flags the damaged model and keeps it off the Pareto front', () => {
    const r = report(30)
    expect(qualityBaseline(r)?.id).toBe('base')
    expect(qualityFailures(r).get('noisy')).toMatch(/^quality dropped 355% \(fidelity gap 30\.0 vs 6\.6 of base model\)$/)
    const points = frontierPoints(r, 'silhouette', 'fidelity')
    const noisy = points.find((p) => p.modelId === 'noisy')!
    expect(noisy.pareto).toBe(false)
    expect(noisy.tag).toContain('(quality failed)')
    // Without the gate the fairer model would be on the front: it is, once its quality holds.
    const healthy = frontierPoints(report(6.8), 'silhouette', 'fidelity')
    expect(healthy.find((p) => p.modelId === 'noisy')!.pareto).toBe(true)
  })

  it('warns in the HTML and the PDF', () => {
    const r = report(30)
    const html = renderReportHtml(r)
    expect(html).toContain('Quality check failed: quality dropped 355%')
    expect(html).toContain('no: quality dropped 355%')
    const pdf = inspectPdf(renderReportPdf(r)).pageTexts.join('\n')
    expect(pdf).toContain('Quality check failed: quality dropped 355%')
    expect(renderReportHtml(report(6.8))).not.toContain('Quality check failed')
  })
})
