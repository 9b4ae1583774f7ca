import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { base64, escapeHtml } from '../../../src-main/core/formats/encode'
import { parseCsv, parseCsvLineage, parseReportCsv, reportRows, reportToCsv } from '../../../src-main/core/features/reports/writers/export-csv'
import { HTML_CSP, renderReportHtml } from '../../../src-main/core/features/reports/writers/export-html'
import { parseReportJson, reportToJson } from '../../../src-main/core/features/reports/writers/export-json'
import { renderReportPdf, wrapText } from '../../../src-main/core/features/reports/writers/export-pdf'
import { escapeMarkdown, modelCardSection } from '../../../src-main/core/features/reports/writers/export-model-card'
import { PdfDocument, textWidth, toWinAnsi } from '../../../src-main/core/formats/pdf-writer'
import { buildReport } from '../../../src-main/core/features/reports/figures/report'
import { writeReportFiles } from '../../../src-main/core/features/reports/writers/write-report-files'
import { handInput } from './fixtures'
import { inspectPdf } from './pdf-inspect'
import { reportSummary } from '../../../src-main/shared/audit/report-summary'

const HOSTILE = '<script>alert("x")</script> & \'quote\' =SUM(A1)'

function hostileReport() {
  const input = handInput()
  input.title = `Audit ${HOSTILE}`
  input.records = input.records.map((r) => (r.promptId === 'p2' ? { ...r, promptText: `a photo of a nurse, "tall", <b>bold</b>\nnew line` } : r))
  input.models = [{ ...input.models[0], label: `Base ${HOSTILE}` }]
  return buildReport(input)
}

describe('small encoders', () => {
  it('base64 matches the standard encoding for every padding length', () => {
    for (const s of ['', 'f', 'fo', 'foo', 'foob', 'fooba', 'foobar']) {
      expect(base64(new TextEncoder().encode(s))).toBe(Buffer.from(s).toString('base64'))
    }
    const bytes = Uint8Array.from({ length: 256 }, (_, i) => i)
    expect(base64(bytes)).toBe(Buffer.from(bytes).toString('base64'))
  })

  it('escapes every HTML-significant character', () => {
    expect(escapeHtml(`<a href="x" onclick='y'>&\``)).toBe('&#60;a href=&#34;x&#34; onclick=&#39;y&#39;&#62;&#38;&#96;')
  })
})

describe('JSON export', () => {
  it('round-trips the whole report, lineage included', () => {
    const report = hostileReport()
    const back = parseReportJson(reportToJson(report))
    expect(back).toEqual(report)
    expect(back.models[0].lineage.classifier).toEqual({ id: 'popalign-world-classifier', version: '1.0.0' })
  })

  it('rejects another schema, another version and malformed content with a clear message', () => {
    const json = JSON.parse(reportToJson(buildReport(handInput())))
    expect(() => parseReportJson('{')).toThrow(/does not parse/)
    expect(() => parseReportJson(JSON.stringify({ ...json, schema: 'other' }))).toThrow(/not an audit report/)
    expect(() => parseReportJson(JSON.stringify({ ...json, schemaVersion: 99 }))).toThrow(/version 99 is not supported/)
    json.models[0].coverage.ratio.n = -1
    expect(() => parseReportJson(JSON.stringify(json))).toThrow(/malformed at models\.0\.coverage\.ratio\.n/)
  })
})

describe('CSV export', () => {
  it('has one row per model x axis x prompt x metric and round-trips', () => {
    const report = hostileReport()
    const csv = reportToCsv(report)
    const rows = parseReportCsv(csv)
    expect(rows).toEqual(reportRows(report))
    // Text cells keep their content (quotes, commas, line breaks); only formula-like cells gain an apostrophe.
    const p2 = rows.find((r) => r.prompt_id === 'p2' && r.metric === 'discrepancy' && r.axis === 'silhouette')!
    expect(p2.prompt_text).toBe('a photo of a nurse, "tall", <b>bold</b>\nnew line')
    expect(p2.value).toBe(0)
    expect(p2.n).toBe(4)
    const pooled = rows.find((r) => r.scope === 'pooled' && r.axis === 'silhouette' && r.metric === 'discrepancy')!
    const pooledEstimate = report.models[0].axes[0].pooled.discrepancy!
    expect([pooled.value, pooled.ci_low, pooled.ci_high, pooled.n]).toEqual([pooledEstimate.value, pooledEstimate.ciLow, pooledEstimate.ciHigh, 8])
    // Row count: model level 4 metrics minus null concept/frechet = 2, coverage per prompt 3,
    // per axis: pooled (1 + k shares + recall) + p1, p2 (1 + k) + s1 (k + recall).
    const perAxis = (k: number) => 1 + k + 1 + 2 * (1 + k) + (k + 1)
    expect(rows).toHaveLength(2 + 3 + perAxis(2) + perAxis(6))
  })

  it('neutralises spreadsheet formulas in text cells and parses quoted fields', () => {
    const input = handInput()
    input.models = [{ ...input.models[0], label: '=HYPERLINK("x")' }]
    const csv = reportToCsv(buildReport(input))
    expect(csv).not.toMatch(/(^|,)=HYPERLINK/m)
    expect(parseCsv('a,"b,""c""",d\r\n1,,3\n')).toEqual([
      ['a', 'b,"c"', 'd'],
      ['1', '', '3']
    ])
    expect(() => parseCsv('"open')).toThrow(/quoted field is never closed/)
  })

  it('reads lineage lines past a quoted cell whose continuation line starts with "# "', () => {
    const csv = '# lineage,m1,seed,42\r\nx,"line one\r\n# a ""q"" b"\r\n'
    expect(parseCsvLineage(csv)).toEqual([{ modelId: 'm1', key: 'seed', value: '42' }])
  })
})

describe('HTML export (static checks)', () => {
  const html = renderReportHtml(hostileReport())

  it('escapes every report string and contains no script or external reference', () => {
    expect(html).not.toContain('<script')
    expect(html).not.toContain('<b>bold</b>')
    expect(html).toContain('&#60;script&#62;alert(&#34;x&#34;)&#60;/script&#62;')
    expect(html).not.toMatch(/https?:|\/\/[a-z]/i)
    for (const m of html.matchAll(/\b(?:src|href)\s*=\s*"([^"]*)"/gi)) expect(m[1]).toMatch(/^data:image\/png;base64,/)
    expect(html).toContain(`content="${HTML_CSP}"`)
  })

  it('has the lineage, the charts and a sentence under each number', () => {
    expect(html).toContain('ckpt-base-0001')
    expect(html).toContain('popalign-world-classifier 1.0.0')
    expect(html.match(/<svg /g)!.length).toBeGreaterThanOrEqual(2 * 2 + 2 * 3)
    expect(html).toContain('axis silhouette discrepancy 0.18')
  })
})

describe('HTML fairness-quality frontier', () => {
  it('plots one point per model with whiskers when models have a Frechet distance', () => {
    const input = handInput()
    const features = (shift: number, i: number) => Float32Array.of(Math.sin(i) + shift, Math.cos(3 * i) + shift)
    const second = input.records.map((r, i) => ({ ...r, modelId: 'tuned', imageId: `t-${i}`, features: features(1, i) }))
    input.records = [...input.records.map((r, i) => ({ ...r, features: features(0, i) })), ...second]
    input.models = [...input.models, { ...input.models[0], id: 'tuned', label: 'Tuned <run>' }]
    const ref = Array.from({ length: 30 }, (_, i) => features(0, i + 100))
    const report = buildReport({ ...input, reference: { label: 'fair', features: ref }, bootstrap: { resamples: 50, frechetResamples: 20 } })
    const html = renderReportHtml(report)
    const frontiers = html.match(/<svg class="chart frontier-chart"[\s\S]*?<\/svg>/g)!
    expect(frontiers).toHaveLength(2)
    expect(frontiers[0].match(/<circle /g)).toHaveLength(2)
    expect(frontiers[0]).toContain('Tuned &#60;run&#62;')
    expect(frontiers[0]).toContain('Frechet distance to fair')
    expect(renderReportHtml(buildReport(handInput()))).not.toContain('frontier-chart')
  })
})

describe('PDF export', () => {
  it('writes a valid file: xref offsets, page tree and stream lengths check out', () => {
    const report = hostileReport()
    const pdf = inspectPdf(renderReportPdf(report))
    // Title + lineage page, then one page per axis.
    expect(pdf.pageCount).toBe(1 + report.axes.length)
    expect(pdf.pageTexts[0]).toContain('Lineage')
    // It opens with the same headline line as the report view and the HTML, arrows spelt for the PDF's font.
    const headline = reportSummary(report).replaceAll('→', '->')
    expect(headline).toMatch(/ discrepancy /)
    expect(pdf.pageTexts[0].replace(/\n/g, ' ')).toContain(headline.slice(0, 60))
    expect(pdf.pageTexts[0].indexOf(headline.slice(0, 30))).toBeLessThan(pdf.pageTexts[0].indexOf('Lineage'))
    expect(pdf.pageTexts[0]).toContain('audit classifier: popalign-world-classifier 1.0.0\nprompts: world-neutral-v1')
    expect(pdf.pageTexts[0]).toContain('Audit <script>alert("x")</script>')
    expect(pdf.pageTexts[1]).toMatch(/^Axis silhouette/)
    expect(pdf.pageTexts[1]).toContain('Pooled discrepancy (neutral prompts) with 95% interval')
    expect(pdf.pageTexts[2]).toMatch(/^Axis tone/)
    expect(pdf.pageTexts[2]).toContain('slate')
    pdf.pageTexts.forEach((t, i) => expect(t).toContain(`page ${i + 1} of 3`))
  })

  it('continues long tables on extra pages instead of cutting them off', () => {
    const input = handInput()
    const extra = Array.from({ length: 150 }, (_, i) => ({ ...input.records[0], promptId: `q${i}`, promptText: `prompt number ${i}`, imageId: `extra-${i}` }))
    const report = buildReport({ ...input, records: [...input.records, ...extra], bootstrap: { resamples: 20 } })
    const pdf = inspectPdf(renderReportPdf(report))
    expect(pdf.pageCount).toBeGreaterThan(1 + report.axes.length)
    expect(pdf.pageTexts.some((t) => t.startsWith('Axis silhouette (continued)'))).toBe(true)
    expect(pdf.pageTexts.join('\n')).toContain('prompt number 149')
  })

  it('maps text outside WinAnsi to "?" and escapes PDF string delimiters', () => {
    expect(toWinAnsi('caf\u00e9 \u2014 \u4e2d (x)')).toBe('caf\u00e9 - ? (x)')
    const doc = new PdfDocument({ title: 't' })
    doc.addPage().text(10, 10, 'a (b) \\ c')
    const pdf = inspectPdf(doc.toBytes())
    expect(pdf.pageTexts[0]).toBe('a (b) \\ c')
    expect(() => new PdfDocument().toBytes()).toThrow(/at least one page/)
  })
})

describe('PDF text layout', () => {
  it('measures Helvetica widths and wraps within the width', () => {
    expect(textWidth('Hello', 1000)).toBeCloseTo(722 + 556 + 222 + 222 + 556, 9)
    const lines = wrapText('the quick brown fox jumps over the lazy dog again and again', 80, 10)
    expect(lines.length).toBeGreaterThan(2)
    for (const line of lines) expect(textWidth(line, 10)).toBeLessThanOrEqual(80)
    expect(lines.join(' ')).toBe('the quick brown fox jumps over the lazy dog again and again')
    const long = wrapText('x'.repeat(100), 50, 10)
    expect(long.join('')).toBe('x'.repeat(100))
    for (const line of long) expect(textWidth(line, 10)).toBeLessThanOrEqual(50)
  })
})

describe('model card section', () => {
  it('has one table row per model x axis with intervals, and escapes report strings', () => {
    const md = modelCardSection(hostileReport())
    expect(md).toContain('## Fairness evaluation')
    expect(md.match(/^\| Base /gm)).toHaveLength(2)
    expect(md).toMatch(/\| silhouette \| 0\.177 \[\d\.\d{3}, \d\.\d{3}\] \(n = 8\) \|/)
    expect(md).not.toContain('<script>')
    expect(escapeMarkdown('a|b <i>*x*</i> & [l](u)\nz')).toBe('a\\|b \\<i\\>\\*x\\*\\</i\\> &amp; \\[l\\](u) z')
  })
})

describe('exports of a report with an empty model', () => {
  it('render without failing and say n/a', () => {
    const input = handInput()
    const report = buildReport({ ...input, models: [...input.models, { ...input.models[0], id: 'empty', label: 'Empty' }] })
    expect(renderReportHtml(report)).toContain('coverage: no images')
    expect(inspectPdf(renderReportPdf(report)).pageCount).toBe(3)
    expect(parseReportCsv(reportToCsv(report)).filter((r) => r.model_id === 'empty' && r.value === null).length).toBeGreaterThan(0)
    expect(parseReportJson(reportToJson(report))).toEqual(report)
  })
})

describe('writeReportFiles', () => {
  const dir = mkdtempSync(join(tmpdir(), 'audit-export-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('writes all four formats and nothing else', async () => {
    const report = buildReport(handInput())
    const written = await writeReportFiles(dir, report)
    expect(readdirSync(dir).sort()).toEqual(['report.csv', 'report.html', 'report.json', 'report.pdf'])
    expect(written).toHaveLength(4)
    expect(parseReportJson(readFileSync(join(dir, 'report.json'), 'utf8'))).toEqual(report)
    expect(inspectPdf(new Uint8Array(readFileSync(join(dir, 'report.pdf')))).pageCount).toBe(3)
    await expect(writeReportFiles(dir, report, { baseName: '../evil' })).rejects.toThrow(/may only contain/)
  })
})
