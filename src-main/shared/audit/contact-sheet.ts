// The pictures beside the numbers: per prompt, one row per model with its first images. Models sampled
// with the same fixed seeds list their images of a prompt in seed order, so the columns line up seed by
// seed and a model that draws noise or blurs shows it next to the one it came from. Runtime-neutral:
// the app's report view and the HTML export draw the same sheet.
import type { Report } from './report-model'

export interface ContactSheet {
  promptId: string
  prompt: string
  rows: { modelId: string; label: string; imageIds: string[] }[]
}

export function contactSheets(report: Report, maxPrompts = 6, perModel = 8): ContactSheet[] {
  const prompts = new Map<string, string>()
  for (const m of report.models) for (const p of m.prompts) if (!prompts.has(p.promptId)) prompts.set(p.promptId, p.text)
  return [...prompts].slice(0, maxPrompts).map(([promptId, prompt]) => ({
    promptId,
    prompt,
    rows: report.models.map((m) => ({
      modelId: m.id,
      label: m.label,
      imageIds: (m.prompts.find((p) => p.promptId === promptId)?.coverage.ratio.evidence ?? []).slice(0, perModel)
    }))
  }))
}
