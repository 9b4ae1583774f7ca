// Writes the four report files into a folder. Each file is written to a temporary name and renamed,
// so a crash never leaves a half-written report that looks complete.

import { mkdir } from 'node:fs/promises'
import { writeFileAtomic } from '../../../fs/atomic-write'
import { join } from 'node:path'
import { reportToCsv } from './export-csv'
import { renderReportHtml, type HtmlOptions } from './export-html'
import { reportToJson } from './export-json'
import { renderReportPdf, type PdfOptions } from './export-pdf'
import type { Report } from '../figures/report-model'
import type { AuditRecord } from '../figures/types'

export type ReportFormat = 'json' | 'csv' | 'html' | 'pdf'
export const REPORT_FORMATS: readonly ReportFormat[] = ['json', 'csv', 'html', 'pdf']

/** Thumbnails of the records that carry one, by image id, for the HTML export. */
export function thumbnailsOf(records: readonly AuditRecord[]): Map<string, Uint8Array> {
  const out = new Map<string, Uint8Array>()
  for (const r of records) if (r.thumbnail) out.set(r.imageId, r.thumbnail)
  return out
}

/** Pictures for the formats that show them: PNG thumbnails for the HTML, decoded ones for the PDF. */
export interface RenderOptions {
  html?: HtmlOptions
  pdf?: PdfOptions
}

export function renderReport(report: Report, format: ReportFormat, options: RenderOptions = {}): string | Uint8Array {
  switch (format) {
    case 'json':
      return reportToJson(report)
    case 'csv':
      return reportToCsv(report)
    case 'html':
      return renderReportHtml(report, options.html)
    case 'pdf':
      return renderReportPdf(report, options.pdf)
    default:
      throw new Error(`unknown report format "${String(format)}"; expected one of ${REPORT_FORMATS.join(', ')}`)
  }
}

/** Writes report.<format> for each format into `dir` (created if missing); returns the paths written. */
export async function writeReportFiles(dir: string, report: Report, options: RenderOptions & { formats?: readonly ReportFormat[]; baseName?: string } = {}): Promise<string[]> {
  const formats = options.formats ?? REPORT_FORMATS
  const base = options.baseName ?? 'report'
  if (!/^[\w.-]+$/.test(base)) throw new Error(`report file name "${base}" may only contain letters, digits, dot, dash and underscore`)
  await mkdir(dir, { recursive: true })
  const written: string[] = []
  for (const format of formats) {
    const content = renderReport(report, format, options)
    const path = join(dir, `${base}.${format}`)
    await writeFileAtomic(path, content)
    written.push(path)
  }
  return written
}
