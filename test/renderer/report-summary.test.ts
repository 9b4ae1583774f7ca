// The line a report opens with (issue 10): the headline discrepancy per axis with its interval, the
// last model against the first, in the report view and the HTML export alike.
import { describe, expect, it } from 'vitest'
import type { Estimate, ModelReport, Report } from '@shared/audit/report-model'
import { reportSummary } from '@shared/audit/report-summary'
import { renderReportHtml } from '../../src-main/core/features/reports/writers/export-html'
import { buildReport } from '../../src-main/core/features/reports/figures/report'
import { handInput } from '../features/reports/fixtures'

const est = (value: number | null, ciLow: number | null = null, ciHigh: number | null = null): Estimate => ({
  value,
  ciLow,
  ciHigh,
  n: 40,
  method: 'prompts+images',
  sentence: '',
  evidence: []
})

// Only what the summary reads is filled in; the rest of a model is not part of this test.
const model = (label: string, images: number, discrepancy: Record<string, Estimate | null>): ModelReport =>
  ({ id: label, label, images, axes: Object.entries(discrepancy).map(([axis, d]) => ({ axis, pooled: { discrepancy: d } })) }) as unknown as ModelReport

const report = (models: ModelReport[], axes = ['silhouette', 'tone']): Report => ({
  schema: 'popalign.audit-report',
  schemaVersion: 3,
  title: 'Doctors',
  createdAt: null,
  settings: { resamples: 200, frechetResamples: 50, seed: 1, confidence: 0.95 },
  axes: axes.map((name) => ({ name, classes: ['a', 'b'], ideal: [0.5, 0.5] })),
  reference: null,
  models
})

describe('report summary', () => {
  it('gives each axis before -> after with the interval, the last model against the first', () => {
    const base = model('Base model (built in)', 40, { silhouette: est(0.387, 0.3, 0.45), tone: est(0.5) })
    const tuned = model('PopAlign (Run 1 · step 20)', 40, { silhouette: est(0.171, 0.1234, 0.2244), tone: est(0.3, 0.25, 0.36) })
    expect(reportSummary(report([base, tuned]))).toBe(
      'Silhouette discrepancy 0.39 → 0.17 [0.12, 0.22] · tone discrepancy 0.50 → 0.30 [0.25, 0.36] (lower is fairer): PopAlign (Run 1 · step 20) against Base model (built in).'
    )
  })

  it('gives one model its figures and image count, and says what could not be measured', () => {
    const only = model('imported images', 1, { silhouette: est(0.2, 0.1, 0.3), tone: est(null) })
    expect(reportSummary(report([only]))).toBe('Silhouette discrepancy 0.20 [0.10, 0.30] · tone discrepancy not measured (no classified image) (lower is fairer): imported images, 1 image.')
    expect(reportSummary(report([]))).toBe('This report holds no model, so it has no figures.')
  })

  it('opens the HTML export, right under the title', () => {
    const built = buildReport(handInput())
    const html = renderReportHtml(built)
    const headline = reportSummary(built)
    expect(headline).toMatch(/^Silhouette discrepancy \d\.\d\d/)
    expect(html).toContain(`<h1>${built.title}</h1>\n<p class="headline">${headline.replace(/'/g, '&#39;')}</p>`)
  })
})
