// Report headings name models by meaning (issue 10): "PopAlign (Run 1 · step 10)", not
// "PopAlign (run:1@10)"; the id stays in the lineage's model row, a tooltip and the CSV's model_id.
import { describe, expect, it } from 'vitest'
import { modelHeading, readableUtc } from '../../../src-main/shared/audit/model-heading'
import type { TrainingLineage } from '../../../src-main/shared/audit/report-model'
import { buildReport } from '../../../src-main/core/features/reports/figures/report'
import { renderReportHtml } from '../../../src-main/core/features/reports/writers/export-html'
import { renderReportPdf } from '../../../src-main/core/features/reports/writers/export-pdf'
import { parseReportCsv, reportToCsv } from '../../../src-main/core/features/reports/writers/export-csv'
import { handInput, lineage } from './fixtures'
import { inspectPdf } from './pdf-inspect'

const training: TrainingLineage = {
  runId: 1,
  label: 'Run 1',
  method: 'popalign',
  preset: null,
  beta: 1000,
  alpha: 0.5,
  steps: 10,
  checkpointStep: 10,
  seed: 3,
  backend: null,
  codeVersion: null,
  base: null,
  snapshot: null
}

function fineTunedReport() {
  const input = handInput()
  input.records = input.records.map((r) => ({ ...r, modelId: 'run:1@10' }))
  input.models = [{ id: 'run:1@10', label: 'PopAlign', lineage: lineage({ model: 'run:1@10', training }) }]
  return { ...buildReport(input), createdAt: '2026-12-03T04:24:07.356Z' }
}

describe('model headings in reports', () => {
  it('adds the run and step to a label that does not say them, and keeps one that does', () => {
    expect(modelHeading({ label: 'PopAlign', lineage: lineage({ training }) })).toBe('PopAlign (Run 1 · step 10)')
    expect(modelHeading({ label: 'Run 1 · step 10', lineage: lineage({ training }) })).toBe('Run 1 · step 10')
    // The Reports screen sends the pickers' words, the method between the run and the step.
    expect(modelHeading({ label: 'Run 1 · PopAlign · step 10', lineage: lineage({ training }) })).toBe('Run 1 · PopAlign · step 10')
    expect(modelHeading({ label: 'Run 1 · PopAlign · step 10 · guidance 3', lineage: lineage({ training }) })).toBe('Run 1 · PopAlign · step 10 · guidance 3')
    // Another run or step is not this one.
    expect(modelHeading({ label: 'Run 11 · PopAlign · step 10', lineage: lineage({ training }) })).toBe('Run 11 · PopAlign · step 10 (Run 1 · step 10)')
    expect(modelHeading({ label: 'Run 1 · PopAlign · step 100', lineage: lineage({ training }) })).toBe('Run 1 · PopAlign · step 100 (Run 1 · step 10)')
    expect(modelHeading({ label: 'Base model (built in)', lineage: lineage() })).toBe('Base model (built in)')
    expect(modelHeading({ label: 'x', lineage: lineage({ training: { ...training, label: undefined, checkpointStep: null } }) })).toBe('x (run 1)')
  })

  it('writes times in words', () => {
    expect(readableUtc('2026-12-03T04:24:07.356Z')).toBe('3 December 2026, 04:24 UTC')
    expect(readableUtc('not a time')).toBe('not a time')
  })

  it('HTML, PDF and CSV: readable headings, the id only where tools and engineers read it', () => {
    const report = fineTunedReport()
    const html = renderReportHtml(report)
    const headings = [...html.matchAll(/<h3[^>]*>(.*?)<\/h3>/g)].map((m) => m[1])
    expect(headings).toContain('PopAlign (Run 1 · step 10)')
    expect(headings.join('\n')).not.toMatch(/run:1@10|\(p1\)/)
    expect(html).toContain('title="model id: run:1@10"')
    expect(html).toContain('<tr data-key="model"><th>model</th><td>run:1@10</td></tr>')
    expect(html).toContain('created 3 December 2026, 04:24 UTC')
    expect(html).not.toContain('2026-12-03T04:24')

    const pdf = inspectPdf(renderReportPdf(report)).pageTexts.join('\n').replace(/\s+/g, ' ')
    expect(pdf).toContain('PopAlign (Run 1 · step 10), 14 images')
    expect(pdf).not.toContain('(run:1@10)')
    expect(pdf).toContain('model: run:1@10')
    expect(pdf).toContain('Created 3 December 2026, 04:24 UTC.')

    const rows = parseReportCsv(reportToCsv(report))
    expect(new Set(rows.map((r) => r.model_id))).toEqual(new Set(['run:1@10']))
    expect(new Set(rows.map((r) => r.model_label))).toEqual(new Set(['PopAlign (Run 1 · step 10)']))
  })
})
