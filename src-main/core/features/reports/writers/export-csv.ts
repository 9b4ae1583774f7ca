// CSV export: one row per model x axis x prompt x metric (plus pooled rows with scope "pooled" and an
// empty prompt), so the numbers drop into a spreadsheet or a model card without the JSON.

import { lineageRows } from '../../../../shared/audit/lineage-rows'
import { csvText, parseCsv } from '../../../formats/csv'
import type { Distribution, Estimate, Report } from '../figures/report-model'
import { modelHeading } from '../../../../shared/audit/model-heading'

/** Lineage goes above the header as comment lines, "# lineage,<model_id>,<key>,<value>" (CSV after the "# "). */
const LINEAGE_PREFIX = '# '

export const CSV_COLUMNS = ['model_id', 'model_label', 'axis', 'scope', 'prompt_id', 'prompt_text', 'metric', 'class', 'value', 'ci_low', 'ci_high', 'n'] as const

export interface CsvRow {
  model_id: string
  model_label: string
  axis: string
  scope: 'pooled' | 'prompt'
  prompt_id: string
  prompt_text: string
  metric: string
  class: string
  value: number | null
  ci_low: number | null
  ci_high: number | null
  n: number
}

/** All rows of the report, in a stable order (models, model-level metrics, then axes and prompts). */
export function reportRows(report: Report): CsvRow[] {
  const rows: CsvRow[] = []
  for (const m of report.models) {
    const promptText = new Map(m.prompts.map((p) => [p.promptId, p.text]))
    const push = (axis: string, promptId: string | null, metric: string, cls: string, e: Estimate | null): void => {
      if (!e) return
      rows.push({
        model_id: m.id,
        // The same readable name as the HTML and PDF headings; model_id is the column tools key on.
        model_label: modelHeading(m),
        axis,
        scope: promptId === null ? 'pooled' : 'prompt',
        prompt_id: promptId ?? '',
        prompt_text: promptId === null ? '' : (promptText.get(promptId) ?? ''),
        metric,
        class: cls,
        value: e.value,
        ci_low: e.ciLow,
        ci_high: e.ciHigh,
        n: e.n
      })
    }
    const pushDistribution = (axis: string, promptId: string | null, d: Distribution): void => {
      push(axis, promptId, 'discrepancy', '', d.discrepancy)
      for (const c of d.classes) push(axis, promptId, 'share', c.cls, c.share)
    }
    push('', null, 'coverage', '', m.coverage.ratio)
    push('', null, 'concept_accuracy', '', m.conceptAccuracy)
    push('', null, 'fidelity_gap_pixels', '', m.fidelity ?? null)
    push('', null, 'fidelity_gap_features', '', m.featureFidelity ?? null)
    push('', null, 'frechet_distance', '', m.frechet)
    push('', null, 'recall_overall', '', m.recallOverall)
    for (const p of m.prompts) push('', p.promptId, 'coverage', '', p.coverage.ratio)
    for (const a of m.axes) {
      pushDistribution(a.axis, null, a.pooled)
      push(a.axis, null, 'recall', '', a.recall)
      for (const p of a.prompts) {
        pushDistribution(a.axis, p.promptId, p.distribution)
        push(a.axis, p.promptId, 'recall', p.askedClass ?? '', p.recall)
      }
    }
  }
  return rows
}

function num(x: number | null): string {
  return x === null ? '' : String(x)
}

export function reportToCsv(report: Report): string {
  // Comment lines (pandas: comment='#'; parseReportCsv skips them) keep the lineage with the numbers.
  const lines = [`${LINEAGE_PREFIX}${['lineage', 'model_id', 'key', 'value'].join(',')}`]
  for (const m of report.models) {
    for (const r of lineageRows(m.lineage)) lines.push(`${LINEAGE_PREFIX}${['lineage', csvText(m.id), r.key, csvText(r.value.replace(/[\r\n]+/g, ' '))].join(',')}`)
  }
  lines.push(CSV_COLUMNS.join(','))
  for (const r of reportRows(report)) {
    lines.push(
      [
        csvText(r.model_id),
        csvText(r.model_label),
        csvText(r.axis),
        r.scope,
        csvText(r.prompt_id),
        csvText(r.prompt_text),
        r.metric,
        csvText(r.class),
        num(r.value),
        num(r.ci_low),
        num(r.ci_high),
        String(r.n)
      ].join(',')
    )
  }
  return `${lines.join('\r\n')}\r\n`
}

/** The one RFC 4180 parser (core/formats/csv), re-exported for checking that exports round-trip. */
export { parseCsv }

/** Reads a CSV written by reportToCsv back into rows (numbers parsed, empty = null). */
export function parseReportCsv(text: string): CsvRow[] {
  const [header, ...body] = parseCsv(withoutComments(text))
  if (!header || header.join(',') !== CSV_COLUMNS.join(',')) throw new Error(`CSV header must be: ${CSV_COLUMNS.join(',')}`)
  const number = (s: string, line: number, col: string): number | null => {
    if (s === '') return null
    const x = Number(s)
    if (!Number.isFinite(x)) throw new Error(`CSV line ${line}: ${col} "${s}" is not a number`)
    return x
  }
  return body.map((cells, i) => {
    const line = i + 2
    if (cells.length !== CSV_COLUMNS.length) throw new Error(`CSV line ${line} has ${cells.length} fields, expected ${CSV_COLUMNS.length}`)
    const [model_id, model_label, axis, scope, prompt_id, prompt_text, metric, cls, value, lo, hi, n] = cells
    if (scope !== 'pooled' && scope !== 'prompt') throw new Error(`CSV line ${line}: scope "${scope}" must be pooled or prompt`)
    return {
      model_id,
      model_label,
      axis,
      scope,
      prompt_id,
      prompt_text,
      metric,
      class: cls,
      value: number(value, line, 'value'),
      ci_low: number(lo, line, 'ci_low'),
      ci_high: number(hi, line, 'ci_high'),
      n: number(n, line, 'n') ?? 0
    }
  })
}

/** Drops the comment lines above the header only (a quoted field further down may start a line with '#'). */
function withoutComments(text: string): string {
  let at = 0
  while (text.startsWith('#', at)) {
    const nl = text.indexOf('\n', at)
    if (nl < 0) return ''
    at = nl + 1
  }
  return text.slice(at)
}

/** The lineage comment lines of a CSV written by reportToCsv. */
export function parseCsvLineage(text: string): { modelId: string; key: string; value: string }[] {
  const out: { modelId: string; key: string; value: string }[] = []
  for (const line of text.split(/\r?\n/)) {
    if (!line.startsWith(LINEAGE_PREFIX)) continue
    // Lines split out of a multi-line quoted cell can start with "# " too and need not be CSV alone.
    let cells: string[] | undefined
    try {
      ;[cells] = parseCsv(line.slice(LINEAGE_PREFIX.length))
    } catch {
      continue
    }
    if (!cells || cells[0] !== 'lineage' || cells.length !== 4 || cells[1] === 'model_id') continue
    // csvText guards formula-like values with a leading quote; undo it for reading.
    const unguard = (v: string): string => (/^'[=+\-@\t\r]/.test(v) ? v.slice(1) : v)
    out.push({ modelId: unguard(cells[1]), key: cells[2], value: unguard(cells[3]) })
  }
  return out
}
