// PDF export: a title page with lineage and the summary, then one page per axis with a discrepancy
// chart (bars with 95% interval whiskers), the class distribution per model and the tables. Long
// content continues on extra pages with a "(continued)" heading, so nothing is cut off.

import { A4, PdfDocument, textWidth, type PdfPage, type Rgb, type RgbImage } from '../../../formats/pdf-writer'
import type { Estimate, ModelReport, Report } from '../figures/report-model'
import { frontierPoints, higherIsBetter, QUALITY_LABEL, QUALITY_METRICS } from '../../../../shared/audit/frontier'
import { contactSheets } from '../../../../shared/audit/contact-sheet'
import { qualityFailures } from '../../../../shared/audit/quality-gate'
import { lineageRows } from '../../../../shared/audit/lineage-rows'
import { modelHeading, readableUtc } from '../../../../shared/audit/model-heading'
import { reportSummary } from '../../../../shared/audit/report-summary'
import { fmt } from '../figures/sentences'
import { CLASS_COLOURS } from './svg-charts'

const MARGIN = 48
const BODY = 9
const LINE = 12.5

function hexRgb(hex: string): Rgb {
  const v = Number.parseInt(hex.slice(1), 16)
  return [((v >> 16) & 255) / 255, ((v >> 8) & 255) / 255, (v & 255) / 255]
}

const CLASS_RGB = CLASS_COLOURS.map(hexRgb)
const BAR: Rgb = [0.3, 0.47, 0.66]
const GREY: Rgb = [0.45, 0.45, 0.45]
/** Quality-check failures: the one line an auditor must not miss. */
const WARN: Rgb = [0.6, 0.12, 0]

/** Greedy word wrap by Helvetica widths; a single over-long word is split by characters. */
export function wrapText(text: string, width: number, size: number, bold = false): string[] {
  const lines: string[] = []
  let line = ''
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const candidate = line ? `${line} ${word}` : word
    if (textWidth(candidate, size, bold) <= width) {
      line = candidate
      continue
    }
    if (line) lines.push(line)
    line = word
    while (textWidth(line, size, bold) > width && line.length > 1) {
      let cut = line.length - 1
      while (cut > 1 && textWidth(line.slice(0, cut), size, bold) > width) cut--
      lines.push(line.slice(0, cut))
      line = line.slice(cut)
    }
  }
  if (line) lines.push(line)
  return lines.length ? lines : ['']
}

function clip(text: string, width: number, size: number): string {
  if (textWidth(text, size) <= width) return text
  let t = text
  while (t.length > 1 && textWidth(`${t}...`, size) > width) t = t.slice(0, -1)
  return `${t}...`
}

/** Cursor over pages: writes downwards and opens a continuation page when the next block does not fit. */
class Flow {
  page: PdfPage
  y = MARGIN
  private heading: string

  constructor(
    private readonly doc: PdfDocument,
    heading: string
  ) {
    this.heading = heading
    this.page = doc.addPage()
  }

  get width(): number {
    return A4.width - 2 * MARGIN
  }

  newPage(heading: string): void {
    this.heading = heading
    this.page = this.doc.addPage()
    this.y = MARGIN
  }

  ensure(height: number): void {
    if (this.y + height <= A4.height - MARGIN) return
    this.page = this.doc.addPage()
    this.y = MARGIN
    this.title(`${this.heading} (continued)`, 12)
  }

  title(text: string, size: number): void {
    this.y += size
    this.page.text(MARGIN, this.y, clip(text, this.width, size), size, { bold: true })
    this.y += size * 0.6
  }

  paragraph(text: string, size = BODY, options: { bold?: boolean; colour?: Rgb; indent?: number } = {}): void {
    const indent = options.indent ?? 0
    for (const line of wrapText(text, this.width - indent, size, options.bold)) {
      this.ensure(LINE)
      this.y += LINE
      this.page.text(MARGIN + indent, this.y, line, size, options)
    }
  }

  /** A table with fixed column widths (fractions of the text width); cells are clipped to their column. */
  table(header: readonly string[], widths: readonly number[], rows: readonly string[][]): void {
    const xs: number[] = []
    let acc = MARGIN
    for (const w of widths) {
      xs.push(acc)
      acc += w * this.width
    }
    const drawRow = (cells: readonly string[], bold: boolean): void => {
      this.ensure(LINE + 2)
      this.y += LINE
      cells.forEach((c, i) => this.page.text(xs[i], this.y, clip(c, widths[i] * this.width - 4, BODY), BODY, { bold }))
      this.page.line(MARGIN, this.y + 3, MARGIN + this.width, this.y + 3, { width: 0.3, colour: [0.8, 0.8, 0.8] })
    }
    drawRow(header, true)
    for (const r of rows) drawRow(r, false)
    this.y += 4
  }
}

function ci(e: Estimate | null): string {
  return !e || e.ciLow === null || e.ciHigh === null ? '' : `[${fmt(e.ciLow, 3)}, ${fmt(e.ciHigh, 3)}]`
}

function lineageLines(m: ModelReport): string[] {
  return lineageRows(m.lineage).map((r) => `${r.label}: ${r.value}`)
}

/** The frontier points of one axis as a table per quality metric (the PDF has no scatter plot). */
function frontierTables(flow: Flow, report: Report, axis: string): void {
  for (const quality of QUALITY_METRICS) {
    const points = frontierPoints(report, axis, quality)
    if (points.length === 0) continue
    flow.paragraph(`Fairness against ${QUALITY_LABEL[quality]} (${higherIsBetter(quality) ? 'higher' : 'lower'} is better); * = on the Pareto front; ! = failed the quality check`, 10, { bold: true })
    flow.table(
      ['model', 'guidance', 'beta', 'discrepancy', '95% interval', QUALITY_LABEL[quality], '95% interval'],
      [0.3, 0.09, 0.09, 0.12, 0.14, 0.12, 0.14],
      points.map((p) => [
        `${p.pareto ? '* ' : p.qualityFailure ? '! ' : ''}${p.label}`,
        p.guidance === null ? 'n/a' : String(p.guidance),
        p.beta === null ? 'n/a' : String(p.beta),
        fmt(p.fairness.value, 3),
        ci(p.fairness),
        fmt(p.quality.value, 3),
        ci(p.quality)
      ])
    )
  }
}

/** Horizontal bars with interval whiskers, one per model. */
function discrepancyChart(flow: Flow, title: string, items: { label: string; e: Estimate | null }[]): void {
  const rowH = 16
  const labelW = 150
  const plotW = flow.width - labelW - 50
  flow.ensure(24 + items.length * rowH + 20)
  flow.paragraph(title, BODY, { bold: true })
  let max = 0
  for (const it of items) max = Math.max(max, it.e?.value ?? 0, it.e?.ciHigh ?? 0)
  max = max <= 0 ? 1 : Math.ceil(max * 10) / 10
  const x0 = MARGIN + labelW
  const x = (v: number): number => x0 + (v / max) * plotW
  const top = flow.y + 6
  items.forEach((it, i) => {
    const y = top + i * rowH
    flow.page.text(MARGIN, y + 11, clip(it.label, labelW - 6, BODY), BODY)
    const e = it.e
    if (!e || e.value === null) {
      flow.page.text(x0 + 4, y + 11, 'n/a', BODY, { colour: GREY })
      return
    }
    flow.page.rect(x0, y + 3, Math.max(0.5, x(e.value) - x0), rowH - 6, { fill: BAR })
    if (e.ciLow !== null && e.ciHigh !== null) {
      const mid = y + rowH / 2
      flow.page.line(x(e.ciLow), mid, x(e.ciHigh), mid, { width: 1 })
      flow.page.line(x(e.ciLow), mid - 4, x(e.ciLow), mid + 4, { width: 1 })
      flow.page.line(x(e.ciHigh), mid - 4, x(e.ciHigh), mid + 4, { width: 1 })
    }
    flow.page.text(Math.max(x(e.value), x(e.ciHigh ?? e.value)) + 4, y + 11, fmt(e.value), BODY)
  })
  const axisY = top + items.length * rowH + 2
  flow.page.line(x0, axisY, x0 + plotW, axisY, { width: 0.5, colour: GREY })
  for (let t = 0; t <= 4; t++) flow.page.text(x((max * t) / 4) - 6, axisY + 10, fmt((max * t) / 4), 7, { colour: GREY })
  flow.y = axisY + 16
}

/** Stacked class shares: the ideal first, then one bar per model. */
function shareChart(flow: Flow, title: string, classes: readonly string[], ideal: readonly number[], rows: { label: string; shares: number[] | null }[]): void {
  const rowH = 16
  const labelW = 150
  const plotW = flow.width - labelW - 10
  const all = [{ label: 'ideal', shares: [...ideal] as number[] | null }, ...rows]
  const legendH = Math.ceil(classes.length / 4) * 12
  flow.ensure(24 + all.length * rowH + legendH + 10)
  flow.paragraph(title, BODY, { bold: true })
  const x0 = MARGIN + labelW
  const top = flow.y + 6
  all.forEach((row, i) => {
    const y = top + i * rowH
    flow.page.text(MARGIN, y + 11, clip(row.label, labelW - 6, BODY), BODY)
    if (!row.shares) {
      flow.page.text(x0 + 4, y + 11, 'no classified image', BODY, { colour: GREY })
      return
    }
    let acc = 0
    row.shares.forEach((s, k) => {
      if (!(s > 0)) return
      flow.page.rect(x0 + acc, y + 2, s * plotW, rowH - 4, { fill: CLASS_RGB[k % CLASS_RGB.length] })
      acc += s * plotW
    })
  })
  const legendTop = top + all.length * rowH + 4
  classes.forEach((cls, k) => {
    const lx = x0 + (k % 4) * (plotW / 4)
    const ly = legendTop + Math.floor(k / 4) * 12
    flow.page.rect(lx, ly, 8, 8, { fill: CLASS_RGB[k % CLASS_RGB.length] })
    flow.page.text(lx + 11, ly + 7.5, clip(cls, plotW / 4 - 14, 8), 8)
  })
  flow.y = legendTop + legendH + 8
}

export interface PdfOptions {
  /** Decoded thumbnails by image id, for the contact sheets (none: the sheets are left out). */
  pictures?: ReadonlyMap<string, RgbImage>
}

/** Per prompt, a row of images per model, the same seeds in the same columns (as in the HTML and the app). */
function contactSheetPages(flow: Flow, report: Report, pictures: ReadonlyMap<string, RgbImage>): void {
  const sheets = contactSheets(report, 4, 8)
  if (!sheets.some((s) => s.rows.some((r) => r.imageIds.some((id) => pictures.has(id))))) return
  flow.newPage('Pictures')
  flow.title('Pictures: the same seeds side by side', 15)
  flow.paragraph('Each row is one model; column k is the same seed in every row.', BODY, { colour: GREY })
  const size = 36
  const labelWidth = 0.3 * flow.width
  for (const sheet of sheets) {
    flow.y += 6
    flow.paragraph(sheet.prompt, 10, { bold: true })
    for (const row of sheet.rows) {
      flow.ensure(size + 6)
      flow.y += 4
      flow.page.text(MARGIN, flow.y + size / 2 + 3, clip(row.label, labelWidth - 6, BODY), BODY)
      row.imageIds.forEach((id, k) => {
        const img = pictures.get(id)
        if (img) flow.page.image(MARGIN + labelWidth + k * (size + 3), flow.y, size, size, img)
      })
      flow.y += size
    }
  }
}

export function renderReportPdf(report: Report, options: PdfOptions = {}): Uint8Array {
  const doc = new PdfDocument({ title: report.title })
  const flow = new Flow(doc, report.title)
  flow.title(report.title, 18)
  const s = report.settings
  flow.paragraph(
    `${report.createdAt ? `Created ${readableUtc(report.createdAt)}. ` : ''}95% bootstrap intervals from ${s.resamples} resamples (Frechet ${s.frechetResamples}), seed ${s.seed}.`,
    BODY,
    {
      colour: GREY
    }
  )
  // The headline figures first, as the report view and the HTML open with them.
  flow.paragraph(reportSummary(report), 10, { bold: true })
  flow.y += 6
  flow.title('Lineage', 13)
  for (const m of report.models) {
    // The id is in the lineage's "model" line below; the heading reads as words.
    flow.paragraph(`${modelHeading(m)}, ${m.images} images`, 10, { bold: true })
    for (const line of lineageLines(m)) flow.paragraph(line, BODY, { indent: 10 })
    flow.y += 4
  }
  flow.y += 6
  flow.title('Summary', 13)
  const failures = qualityFailures(report)
  for (const m of report.models) {
    flow.paragraph(modelHeading(m), 10, { bold: true })
    const failure = failures.get(m.id)
    if (failure) flow.paragraph(`Quality check failed: ${failure}. Its fairness numbers describe damaged images.`, BODY, { indent: 10, bold: true, colour: WARN })
    for (const e of [m.coverage.ratio, m.conceptAccuracy, m.fidelity ?? null, m.featureFidelity ?? null, m.frechet, m.recallOverall]) if (e) flow.paragraph(e.sentence, BODY, { indent: 10 })
  }

  if (options.pictures) contactSheetPages(flow, report, options.pictures)

  report.axes.forEach((axis, ai) => {
    const heading = `Axis ${axis.name}`
    flow.newPage(heading)
    flow.title(heading, 15)
    flow.paragraph(`Classes: ${axis.classes.join(', ')}. Ideal: ${axis.ideal.map((p) => fmt(p, 3)).join(', ')}.`, BODY, { colour: GREY })
    flow.y += 4
    discrepancyChart(
      flow,
      'Pooled discrepancy (neutral prompts) with 95% interval',
      report.models.map((m) => ({ label: m.label, e: m.axes[ai].pooled.discrepancy }))
    )
    shareChart(
      flow,
      'Pooled class distribution',
      axis.classes,
      axis.ideal,
      report.models.map((m) => {
        const d = m.axes[ai].pooled
        return { label: m.label, shares: d.classes.every((c) => c.share.value === null) ? null : d.classes.map((c) => c.share.value ?? 0) }
      })
    )
    flow.table(
      ['model', 'discrepancy', '95% interval', 'n', 'coverage', 'recall'],
      [0.26, 0.14, 0.2, 0.1, 0.14, 0.16],
      report.models.map((m) => {
        const a = m.axes[ai]
        return [m.label, fmt(a.pooled.discrepancy?.value ?? null, 3), ci(a.pooled.discrepancy), String(a.pooled.discrepancy?.n ?? 0), fmt(m.coverage.ratio.value, 3), fmt(a.recall?.value ?? null, 3)]
      })
    )
    for (const m of report.models) {
      const d = m.axes[ai].pooled.discrepancy
      if (d) flow.paragraph(d.sentence, BODY)
    }
    flow.y += 4
    frontierTables(flow, report, axis.name)
    const rows: string[][] = []
    for (const m of report.models) {
      for (const p of m.axes[ai].prompts) {
        const text = m.prompts.find((x) => x.promptId === p.promptId)?.text ?? p.promptId
        const e = p.distribution.discrepancy ?? p.recall
        const metric = p.distribution.discrepancy ? 'discrepancy' : p.recall ? `recall (${p.askedClass})` : 'none'
        rows.push([m.label, text, metric, fmt(e?.value ?? null, 3), ci(e), String(e?.n ?? 0)])
      }
    }
    flow.paragraph('Per prompt', 10, { bold: true })
    flow.table(['model', 'prompt', 'metric', 'value', '95% interval', 'n'], [0.18, 0.34, 0.14, 0.1, 0.16, 0.08], rows)
  })
  const total = doc.pageCount
  doc.allPages.forEach((page, i) => {
    const footer = `${report.title} - page ${i + 1} of ${total}`
    page.text(MARGIN, A4.height - MARGIN / 2, clip(footer, A4.width - 2 * MARGIN, 7), 7, { colour: GREY })
  })
  return doc.toBytes()
}
