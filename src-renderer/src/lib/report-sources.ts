// The models a new report compares, as report.start takes them. Each carries the words its check box
// shows (modelChoiceLabels), so the report's title, source list and lineage name the model as every
// picker does ("Run 1 · PopAlign · step 20"); without a label the server would save the catalogue's
// shorter one ("Run 1 · step 20"). Reports already made keep the label they saved.
import type { ReportSource } from '@shared/contract'

type ModelSource = Extract<ReportSource, { kind: 'model' }>

/** The longest label report.start accepts (the contract's Name); a longer run name is shortened to fit. */
export const REPORT_LABEL_MAX = 200

export function reportModelSources(ids: readonly string[], names: ReadonlyMap<string, string>): ModelSource[] {
  return ids.map((model) => {
    const label = names.get(model)?.trim()
    // An id the list no longer names: the server names it from its catalogue, as before.
    if (!label) return { kind: 'model', model }
    return { kind: 'model', model, label: label.length > REPORT_LABEL_MAX ? `${label.slice(0, REPORT_LABEL_MAX - 1).trimEnd()}…` : label }
  })
}
