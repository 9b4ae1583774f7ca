// Lineage rows (one text for the view and every export) and the fairness-versus-quality frontier
// derived from a report: one point per (model, guidance), series per model sorted by guidance, beta on
// the points of runs that differ in beta, and the Pareto front computed by hand.
import { describe, expect, it } from 'vitest'
import { parseReportJson, reportToJson } from '../../../src-main/core/features/reports/writers/export-json'
import { parseCsvLineage, parseReportCsv, reportToCsv } from '../../../src-main/core/features/reports/writers/export-csv'
import { renderReportHtml } from '../../../src-main/core/features/reports/writers/export-html'
import { renderReportPdf } from '../../../src-main/core/features/reports/writers/export-pdf'
import { buildReport } from '../../../src-main/core/features/reports/figures/report'
import { REPORT_SCHEMA_VERSION, type Estimate, type Report, type TrainingLineage } from '../../../src-main/shared/audit/report-model'
import { betasDiffer, frontierPoints, frontierSeries, guidanceScales } from '../../../src-main/shared/audit/frontier'
import { lineageRows } from '../../../src-main/shared/audit/lineage-rows'
import { handInput, lineage } from './fixtures'
import { inspectPdf } from './pdf-inspect'

const training = (beta: number): TrainingLineage => ({
  runId: 12,
  method: 'popalign',
  preset: 'quick',
  beta,
  alpha: 0.5,
  steps: 60,
  checkpointStep: 60,
  seed: 3,
  backend: 'tfjs-wasm',
  codeVersion: 'popalign-studio@0.1.0+abc',
  base: { model: 'base', checkpoint: '/ws/base.ckpt', step: 30 },
  snapshot: {
    id: 4,
    name: 'fairness v1',
    criterion: 'fairness',
    contentSha256: 'a'.repeat(64),
    pairsUsed: 3,
    pairsJudged: 3,
    trainingPairs: 9,
    annotators: [
      { id: 1, name: 'owner', kind: 'human', judgements: 3 },
      { id: 2, name: 'ana', kind: 'human', judgements: 3 }
    ],
    agreement: { pairs: 3, percent: 2 / 3, alpha: 0.25, alphaLow: -0.5, alphaHigh: 1 },
    acquisitionClassifiers: [{ id: 'popalign-world-classifier', version: '1.0.0', images: 18 }]
  }
})

const est = (value: number): Estimate => ({ value, ciLow: value - 0.01, ciHigh: value + 0.01, n: 10, method: 'prompts+images', sentence: '', evidence: ['x'] })

/** A report whose models are (run β1000 at g1, g3), (run β5000 at g1) and an image set, with set numbers. */
function sweepReport(): Report {
  const base = buildReport(handInput())
  const m0 = base.models[0]
  const model = (id: string, label: string, beta: number | null, guidance: number | null, disc: number, fid: number, acc: number) => ({
    ...m0,
    id,
    label,
    lineage: { ...lineage({ guidance }), model: beta === null ? null : `run:${beta}`, training: beta === null ? null : training(beta) },
    frechet: est(fid),
    conceptAccuracy: est(acc),
    axes: m0.axes.map((a) => ({ ...a, pooled: { ...a.pooled, discrepancy: est(disc) } }))
  })
  return {
    ...base,
    models: [
      model('run:1000 g3', 'β small · guidance 3', 1000, 3, 0.1, 2, 0.9),
      model('run:1000 g1', 'β small · guidance 1', 1000, 1, 0.3, 1, 0.7),
      model('run:5000 g1', 'β large · guidance 1', 5000, 1, 0.2, 3, 0.6),
      model('images-1', 'imported', null, null, 0.4, 4, 0.95)
    ]
  }
}

describe('lineage rows', () => {
  it('state the run, base, snapshot, annotators with agreement, acquisition classifier and sampling', () => {
    const rows = Object.fromEntries(lineageRows({ ...lineage(), model: 'run:12@60', steps: 4, promptTexts: ['a doctor'], training: training(1000) }).map((r) => [r.key, r.value]))
    expect(rows.training_run).toBe('run 12: popalign (preset quick); beta 1000, alpha 0.5; 60 steps, audited at step 60; seed 3; backend tfjs-wasm; code popalign-studio@0.1.0+abc')
    expect(rows.base_checkpoint).toBe('base (step 30): /ws/base.ckpt')
    // In a workspace the run is named as its project calls it, not by its database id.
    const named = Object.fromEntries(lineageRows({ ...lineage(), training: { ...training(1000), label: 'Run 3' } }).map((r) => [r.key, r.value]))
    expect(named.training_run).toMatch(/^Run 3: popalign \(preset quick\);/)
    expect(rows.snapshot).toBe(`"fairness v1" (fairness), sha256 ${'a'.repeat(64)}; 3 of 3 judged pairs used, 9 winner-loser image pairs`)
    expect(rows.annotators).toBe('owner (human, 3 judgements), ana (human, 3 judgements)')
    expect(rows.agreement).toBe("66.7% agreement, Krippendorff's alpha 0.25 [-0.5, 1], over 3 pairs judged by several annotators")
    expect(rows.acquisition_classifier).toBe('popalign-world-classifier 1.0.0 (18 images)')
    expect(rows.classifier).toBe('popalign-world-classifier 1.0.0')
    expect(rows.prompts).toBe('world-neutral-v1: "a doctor"')
    expect(rows.steps).toBe('4')
    expect(rows.guidance).toBe('7.5')
  })

  it('go into the JSON (round trip), the CSV comments, the HTML and the PDF', () => {
    const report = sweepReport()
    expect(parseReportJson(reportToJson(report)).models[0].lineage.training).toEqual(training(1000))
    const csv = reportToCsv(report)
    expect(
      parseCsvLineage(csv)
        .filter((r) => r.modelId === 'run:1000 g3')
        .map((r) => r.key)
    ).toContain('agreement')
    expect(parseReportCsv(csv).length).toBeGreaterThan(0)
    const html = renderReportHtml(report)
    expect(html).toContain('<tr data-key="training_run"><th>training run</th><td>run 12: popalign')
    expect(html).toContain('Krippendorff&#39;s alpha 0.25')
    // Lines wrap where the page ends, so compare with whitespace collapsed.
    const pdf = inspectPdf(renderReportPdf(report)).pageTexts.join('\n').replace(/\s+/g, ' ')
    expect(pdf).toContain(`sha256 ${'a'.repeat(64)}; 3 of 3 judged pairs used, 9 winner-loser image pairs`)
    expect(pdf).toContain("Krippendorff's alpha 0.25 [-0.5, 1]")
    expect(pdf).toContain('training run: run 12: popalign (preset quick); beta 1000, alpha 0.5')
    expect(pdf).toContain('Fairness against Frechet distance to fair renders (lower is better)')
    expect(pdf).toContain('acquisition classifier: popalign-world-classifier 1.0.0 (18 images)')
  })

  it('reads schema-1 and schema-2 reports (no structured lineage, no fidelity) as the current schema', () => {
    for (const old of [1, 2]) {
      const json = JSON.parse(reportToJson(buildReport(handInput())))
      json.schemaVersion = old
      delete json.fidelity
      for (const m of json.models) {
        delete m.fidelity
        delete m.featureFidelity
      }
      expect(parseReportJson(JSON.stringify(json)).schemaVersion).toBe(REPORT_SCHEMA_VERSION)
    }
  })
})

describe('frontier', () => {
  it('has one point per (model, guidance), series per model sorted by guidance, and the Pareto front', () => {
    const report = sweepReport()
    expect(guidanceScales(report)).toEqual([1, 3])
    expect(betasDiffer(report)).toBe(true)
    const fid = frontierPoints(report, 'silhouette', 'frechet')
    expect(fid.map((p) => [p.tag, p.pareto])).toEqual([
      ['β small, β 1000, g 3', true],
      ['β small, β 1000, g 1', true],
      ['β large, β 5000, g 1', false],
      ['imported', false]
    ])
    // Frechet (lower better): (0.1, 2) is fairest and (0.3, 1) closest; (0.2, 3) and (0.4, 4) are dominated by (0.1, 2).
    const acc = frontierPoints(report, 'silhouette', 'conceptAccuracy')
    // Concept accuracy (higher better): (0.1, 0.9) and (0.4, 0.95) are on the front, the others are dominated by (0.1, 0.9).
    expect(acc.filter((p) => p.pareto).map((p) => p.modelId)).toEqual(['run:1000 g3', 'images-1'])
    const series = frontierSeries(report, fid)
    expect(series.map((s) => [s.series, s.points.map((p) => p.guidance)])).toEqual([
      ['run:1000', [1, 3]],
      ['run:5000', [1]],
      ['images-1', [null]]
    ])
  })
})
