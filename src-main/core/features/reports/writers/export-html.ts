// Self-contained HTML report: inline CSS, inline SVG charts, thumbnails as data: URIs, no script, and a
// CSP that forbids every network request, so the file can be mailed or archived and opened offline.
// Every string from the report (titles, prompts, labels, lineage, image ids) is escaped.

import { base64, escapeHtml, isPng } from '../../../formats/encode'
import type { AxisReport, Coverage, Estimate, ModelReport, Report } from '../figures/report-model'
import { fmt } from '../figures/sentences'
import { contactSheets } from '../../../../shared/audit/contact-sheet'
import { betasDiffer, frontierPoints, guidanceScales, higherIsBetter, QUALITY_LABEL, QUALITY_METRICS } from '../../../../shared/audit/frontier'
import { qualityFailures } from '../../../../shared/audit/quality-gate'
import { lineageRows } from '../../../../shared/audit/lineage-rows'
import { modelHeading, readableUtc } from '../../../../shared/audit/model-heading'
import { reportSummary } from '../../../../shared/audit/report-summary'
import { ciChart, frontierChart, shareChart, type CiItem } from './svg-charts'

export const HTML_CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"

export interface HtmlOptions {
  /** PNG thumbnails by image id (see thumbnailsOf). */
  thumbnails?: ReadonlyMap<string, Uint8Array>
  /** Thumbnails shown per model and prompt (default 8). */
  exemplarsPerPrompt?: number
  /** Image ids listed under one number before pointing to report.json (default 400). */
  evidenceLimit?: number
}

const STYLE = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:#1b1b1b;margin:24px auto;max-width:1100px;padding:0 16px}
h1{font-size:24px;margin:0 0 4px}h2{font-size:19px;margin-top:32px;border-bottom:1px solid #ddd}h3{font-size:15px;margin:20px 0 6px}
table{border-collapse:collapse;margin:8px 0}td,th{border:1px solid #ddd;padding:3px 8px;text-align:left;vertical-align:top}th{background:#f4f4f4}
.meta{color:#555}.headline{font-size:16px;font-weight:600;margin:4px 0}.sentence{color:#333;margin:2px 0 8px}.num{font-variant-numeric:tabular-nums;font-weight:600}
.chart{display:block;margin:8px 0}.chart-title{font-weight:600;font-size:13px}.label,.value,.tick,.legend,.na{font-size:12px}.na{fill:#888}
details{margin:0 0 6px}summary{cursor:pointer;color:#36c}.ids{font:11px ui-monospace,monospace;word-break:break-all;color:#444}
.thumbs{display:flex;flex-wrap:wrap;gap:4px}.thumbs figure{margin:0;text-align:center;font-size:10px;color:#666}
.thumbs img{width:64px;height:64px;image-rendering:pixelated;border:1px solid #ccc}
.warn{color:#8a1c00;background:#fff1ec;border-left:4px solid #d9480f;padding:4px 8px;font-weight:600}
.sheet td{vertical-align:middle}.sheet img{width:48px;height:48px;image-rendering:pixelated;border:1px solid #ccc;margin-right:2px}
`

function text(value: string): string {
  return escapeHtml(value)
}

function evidence(e: { evidence: string[] }, limit: number): string {
  const ids = e.evidence
  if (ids.length === 0) return '<p class="ids">no images behind this number</p>'
  const shown = ids.slice(0, limit).map(text).join(', ')
  const more = ids.length > limit ? ` \u2026 and ${ids.length - limit} more (all listed in report.json)` : ''
  return `<details><summary>${ids.length} image${ids.length === 1 ? '' : 's'} behind this number</summary><p class="ids">${shown}${more}</p></details>`
}

function estimateBlock(label: string, e: Estimate | null, limit: number): string {
  if (!e) return ''
  const ci = e.ciLow === null || e.ciHigh === null ? '' : ` [${fmt(e.ciLow, 3)}, ${fmt(e.ciHigh, 3)}]`
  return `<div class="estimate"><span>${text(label)}: </span><span class="num">${fmt(e.value, 3)}${ci}</span> <span class="meta">(n = ${e.n}, resampled: ${text(e.method)})</span><p class="sentence">${text(e.sentence)}</p>${evidence(e, limit)}</div>`
}

function coverageBlock(c: Coverage, limit: number): string {
  const rows = (Object.keys(c.counts) as (keyof typeof c.counts)[])
    .map((s) => `<tr><td>${text(s)}</td><td class="num">${c.counts[s]}</td><td>${evidence({ evidence: c.evidence[s] }, limit)}</td></tr>`)
    .join('')
  return `${estimateBlock('coverage', c.ratio, limit)}<table><tr><th>status</th><th>images</th><th>evidence</th></tr>${rows}</table>`
}

function lineageTable(m: ModelReport): string {
  const rows = lineageRows(m.lineage)
  // The id is in the table's "model" row and the heading's tooltip; the heading itself reads as words.
  return `<h3 title="model id: ${text(m.id)}">${text(modelHeading(m))}</h3><table class="lineage" data-model="${text(m.id)}">${rows.map((r) => `<tr data-key="${text(r.key)}"><th>${text(r.label)}</th><td>${text(r.value)}</td></tr>`).join('')}</table>`
}

/** The frontier charts of one axis (one per quality metric any model has) and the points as a table. */
function frontierBlock(report: Report, axis: string): string {
  const parts: string[] = []
  const betas = betasDiffer(report)
  const sweep = guidanceScales(report).length > 1
  const across = ['models', sweep ? 'guidance scales' : null, betas ? 'beta' : null].filter(Boolean).join(', ')
  for (const quality of QUALITY_METRICS) {
    const points = frontierPoints(report, axis, quality)
    if (points.length === 0) continue
    const item = (e: Estimate): CiItem => ({ label: '', value: e.value, low: e.ciLow, high: e.ciHigh })
    const qLabel = `${QUALITY_LABEL[quality]} (${higherIsBetter(quality) ? 'higher' : 'lower'} is better)`
    parts.push(
      frontierChart(
        `${axis}: fairness against ${QUALITY_LABEL[quality]} across ${across}`,
        `${axis} discrepancy (lower is fairer)`,
        qLabel,
        points.map((p) => ({ label: p.tag, x: item(p.fairness), y: item(p.quality), series: p.series, pareto: p.pareto }))
      )
    )
    const rows = points
      .map(
        (p) =>
          `<tr><td>${text(p.label)}</td><td>${p.guidance ?? 'n/a'}</td><td>${p.beta ?? 'n/a'}</td><td class="num">${fmt(p.fairness.value, 3)}</td><td class="num">${fmt(p.quality.value, 3)}</td><td>${p.qualityFailure ? `no: ${text(p.qualityFailure)}` : p.pareto ? 'yes' : 'no'}</td></tr>`
      )
      .join('')
    parts.push(
      `<table class="frontier-points"><tr><th>model</th><th>guidance</th><th>beta</th><th>${text(axis)} discrepancy</th><th>${text(QUALITY_LABEL[quality])}</th><th>Pareto front</th></tr>${rows}</table>`
    )
  }
  return parts.join('\n')
}

/** Per prompt, one row of images per model, the same seeds in the same columns. */
function contactSheetBlock(report: Report, thumbs: ReadonlyMap<string, Uint8Array> | undefined): string {
  if (!thumbs || thumbs.size === 0) return ''
  const tables = contactSheets(report).map((sheet) => {
    const rows = sheet.rows
      .map((r) => {
        const imgs = r.imageIds
          .map((id) => thumbs.get(id))
          .filter((b): b is Uint8Array => b !== undefined && isPng(b))
          .map((b) => `<img src="data:image/png;base64,${base64(b)}" alt="">`)
        return `<tr><th>${text(r.label)}</th><td>${imgs.length ? imgs.join('') : '<span class="meta">no images</span>'}</td></tr>`
      })
      .join('')
    return `<h3>${text(sheet.prompt)}</h3><table class="sheet">${rows}</table>`
  })
  return ['<h2>Pictures: the same seeds side by side</h2>', '<p class="meta">Each row is one model; column k is the same seed in every row.</p>', ...tables].join('\n')
}

function thumbnailsBlock(ids: readonly string[], thumbs: ReadonlyMap<string, Uint8Array> | undefined, max: number): string {
  if (!thumbs || max <= 0) return ''
  const figures: string[] = []
  let notPng = 0
  for (const id of ids) {
    if (figures.length >= max) break
    const bytes = thumbs.get(id)
    if (!bytes) continue
    if (!isPng(bytes)) {
      notPng++
      continue
    }
    figures.push(
      `<figure><img src="data:image/png;base64,${base64(bytes)}" alt="${text(id)}" title="${text(id)}"><figcaption>${text(id.length > 12 ? `\u2026${id.slice(-11)}` : id)}</figcaption></figure>`
    )
  }
  const note = notPng ? `<p class="meta">${notPng} thumbnail${notPng === 1 ? ' is' : 's are'} not PNG and not shown.</p>` : ''
  const total = ids.length
  return figures.length ? `<p class="meta">${figures.length} of ${total} images shown</p><div class="thumbs">${figures.join('')}</div>${note}` : note
}

function axisSection(report: Report, axisIndex: number, opts: Required<Omit<HtmlOptions, 'thumbnails'>> & HtmlOptions): string {
  const axis = report.axes[axisIndex]
  const perModel: { m: ModelReport; a: AxisReport }[] = report.models.map((m) => ({ m, a: m.axes[axisIndex] }))
  const limit = opts.evidenceLimit
  const pooledItems: CiItem[] = perModel.map(({ m, a }) => ({
    label: m.label,
    value: a.pooled.discrepancy?.value ?? null,
    low: a.pooled.discrepancy?.ciLow ?? null,
    high: a.pooled.discrepancy?.ciHigh ?? null
  }))
  const sharesOf = (d: AxisReport['pooled']): number[] | null => (d.classes.every((c) => c.share.value === null) ? null : d.classes.map((c) => c.share.value ?? 0))
  const parts: string[] = [
    `<section class="axis" id="axis-${axisIndex}"><h2>Axis ${text(axis.name)}</h2>`,
    `<p class="meta">classes: ${axis.classes.map(text).join(', ')}; ideal: ${axis.ideal.map((p) => fmt(p, 3)).join(', ')}</p>`,
    ciChart(`${axis.name}: pooled discrepancy with 95% interval`, pooledItems),
    shareChart(
      `${axis.name}: pooled class distribution`,
      axis.classes,
      axis.ideal,
      perModel.map(({ m, a }) => ({ label: m.label, shares: sharesOf(a.pooled) }))
    )
  ]
  parts.push(frontierBlock(report, axis.name))
  for (const { m, a } of perModel) {
    parts.push(`<h3>${text(m.label)}</h3>`, estimateBlock(`${axis.name} discrepancy (neutral prompts, pooled)`, a.pooled.discrepancy, limit))
    parts.push(estimateBlock(`${axis.name} recall (identity-specific prompts)`, a.recall, limit))
    if (a.pooled.unlabelled > 0) parts.push(`<p class="meta">${a.pooled.unlabelled} classified images have no class on this axis and are not counted.</p>`)
    for (const c of a.pooled.classes) parts.push(estimateBlock(`share ${c.cls}`, c.share, limit))
  }

  // Per prompt: the union of prompts over models, in first-seen order.
  const prompts = new Map<string, string>()
  for (const m of report.models) for (const p of m.prompts) if (!prompts.has(p.promptId)) prompts.set(p.promptId, p.text)
  const promptItems: CiItem[] = []
  for (const [pid, ptext] of prompts) {
    for (const { m, a } of perModel) {
      const d = a.prompts.find((p) => p.promptId === pid)?.distribution.discrepancy
      if (d) promptItems.push({ label: `${ptext} \u2014 ${m.label}`, value: d.value, low: d.ciLow, high: d.ciHigh })
    }
  }
  if (promptItems.length) parts.push(ciChart(`${axis.name}: discrepancy per neutral prompt with 95% interval`, promptItems))
  for (const [pid, ptext] of prompts) {
    parts.push(`<h3 title="prompt id: ${text(pid)}">Prompt: ${text(ptext)}</h3>`)
    const rows = perModel.map(({ m, a }) => {
      const p = a.prompts.find((x) => x.promptId === pid)
      return { label: m.label, shares: p ? sharesOf(p.distribution) : null }
    })
    parts.push(shareChart(`${axis.name} distribution for this prompt`, axis.classes, axis.ideal, rows))
    for (const { m, a } of perModel) {
      const p = a.prompts.find((x) => x.promptId === pid)
      if (!p) continue
      parts.push(`<h4>${text(m.label)}</h4>`)
      parts.push(estimateBlock('discrepancy', p.distribution.discrepancy, limit))
      parts.push(estimateBlock(`recall (asked: ${p.askedClass ?? 'none'})`, p.recall, limit))
      const promptCoverage = m.prompts.find((x) => x.promptId === pid)?.coverage
      if (promptCoverage) parts.push(thumbnailsBlock(promptCoverage.ratio.evidence, opts.thumbnails, opts.exemplarsPerPrompt))
    }
  }
  parts.push('</section>')
  return parts.join('\n')
}

export function renderReportHtml(report: Report, options: HtmlOptions = {}): string {
  const opts = { exemplarsPerPrompt: 8, evidenceLimit: 400, ...options }
  const limit = opts.evidenceLimit
  const s = report.settings
  const body: string[] = [
    `<h1>${text(report.title)}</h1>`,
    `<p class="headline">${text(reportSummary(report))}</p>`,
    `<p class="meta">${report.createdAt ? `created ${text(readableUtc(report.createdAt))}; ` : ''}95% bootstrap intervals from ${s.resamples} resamples (Frechet: ${s.frechetResamples}), seed ${s.seed}; schema ${text(report.schema)} v${report.schemaVersion}</p>`,
    '<h2>Lineage</h2>',
    ...report.models.map(lineageTable),
    '<h2>Summary</h2>'
  ]
  const failures = qualityFailures(report)
  for (const m of report.models) {
    body.push(`<h3 title="model id: ${text(m.id)}">${text(modelHeading(m))} <span class="meta">${m.images} images</span></h3>`)
    const failure = failures.get(m.id)
    if (failure) body.push(`<p class="warn">Quality check failed: ${text(failure)}. Its fairness numbers describe damaged images.</p>`)
    body.push(coverageBlock(m.coverage, limit))
    body.push(estimateBlock('concept accuracy', m.conceptAccuracy, limit))
    body.push(estimateBlock('image fidelity gap (pixel statistics)', m.fidelity ?? null, limit))
    body.push(estimateBlock('image fidelity gap (classifier features)', m.featureFidelity ?? null, limit))
    body.push(estimateBlock(`Frechet distance to ${report.reference?.label ?? 'reference'} (secondary)`, m.frechet, limit))
    body.push(estimateBlock('overall recall', m.recallOverall, limit))
  }
  body.push(contactSheetBlock(report, opts.thumbnails))
  report.axes.forEach((_a, i) => body.push(axisSection(report, i, opts)))
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${HTML_CSP}">`,
    '<meta name="referrer" content="no-referrer">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${text(report.title)}</title>`,
    `<style>${STYLE}</style>`,
    '</head><body>',
    ...body,
    '</body></html>',
    ''
  ].join('\n')
}
