// A Markdown "fairness" section for a model card (docs/formats.md §Model card): per model and axis the pooled
// discrepancy with its interval and sentence, recall, coverage, and the lineage that produced them.

import type { Estimate, Report } from '../figures/report-model'
import { fmt } from '../figures/sentences'
import { modelHeading } from '../../../../shared/audit/model-heading'

/**
 * Escapes the inline Markdown syntax, table pipes, inline HTML and entities, so report strings render
 * as plain text in a model card. Strings only ever appear inline here (after "- " or in table cells),
 * so line-start syntax such as "1." or "#" needs no escaping.
 */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/[\\`*_[\]|<>~]/g, (c) => `\\${c}`)
    .replace(/\r?\n/g, ' ')
}

function cell(e: Estimate | null): string {
  if (!e || e.value === null) return 'n/a'
  const ci = e.ciLow === null || e.ciHigh === null ? '' : ` [${fmt(e.ciLow, 3)}, ${fmt(e.ciHigh, 3)}]`
  return `${fmt(e.value, 3)}${ci} (n = ${e.n})`
}

export function modelCardSection(report: Report): string {
  const lines: string[] = ['## Fairness evaluation', '']
  lines.push(`Source: ${escapeMarkdown(report.title)}. 95% bootstrap intervals over prompts and images (${report.settings.resamples} resamples, seed ${report.settings.seed}).`, '')
  lines.push('| model | axis | discrepancy (pooled) | recall | coverage |', '|---|---|---|---|---|')
  for (const m of report.models) {
    for (const a of m.axes) lines.push(`| ${escapeMarkdown(m.label)} | ${escapeMarkdown(a.axis)} | ${cell(a.pooled.discrepancy)} | ${cell(a.recall)} | ${cell(m.coverage.ratio)} |`)
  }
  lines.push('')
  for (const m of report.models) {
    const l = m.lineage
    lines.push(`### ${escapeMarkdown(modelHeading(m))}`, '')
    for (const a of m.axes) if (a.pooled.discrepancy) lines.push(`- ${escapeMarkdown(a.pooled.discrepancy.sentence)}`)
    lines.push(`- ${escapeMarkdown(m.coverage.ratio.sentence)}`)
    lines.push(
      `- Lineage: checkpoint ${escapeMarkdown(l.checkpoint ?? 'none')}, run ${escapeMarkdown(l.run ?? 'none')}, preference snapshot ${escapeMarkdown(l.snapshot ?? 'none')}, ` +
        `classifier ${escapeMarkdown(`${l.classifier.id} ${l.classifier.version}`)}, prompts ${escapeMarkdown(l.prompts)}, seeds ${l.seeds.length}, ` +
        `sampler ${escapeMarkdown(l.sampler ?? 'none')}, guidance ${l.guidance ?? 'none'}, annotators ${l.annotators.length} (agreement ${l.agreement === null ? 'not measured' : fmt(l.agreement, 3)})`,
      ''
    )
  }
  return lines.join('\n')
}
