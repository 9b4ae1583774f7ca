// Checks a ReportInput before any number is computed, so bad input fails with an error naming the
// offending model, record or axis instead of producing a quietly wrong report.

import { IMAGE_STATUSES, type AuditRecord, type ReportInput } from './types'
import { idealDistribution } from './metrics'

function where(r: AuditRecord, i: number): string {
  return `record ${i} (model "${String(r.modelId)}", image "${String(r.imageId)}")`
}

export function validateReportInput(input: ReportInput): void {
  if (typeof input.title !== 'string' || input.title.trim() === '') throw new Error('report title must be a non-empty string')
  if (input.models.length === 0) throw new Error('a report needs at least one model')
  if (input.axes.length === 0) throw new Error('a report needs at least one attribute axis')
  const modelIds = new Set<string>()
  for (const m of input.models) {
    if (typeof m.id !== 'string' || m.id === '') throw new Error('every model needs a non-empty id')
    if (modelIds.has(m.id)) throw new Error(`model id "${m.id}" is listed twice`)
    modelIds.add(m.id)
  }
  const axisNames = new Set<string>()
  for (const axis of input.axes) {
    if (axisNames.has(axis.name)) throw new Error(`axis "${axis.name}" is listed twice`)
    axisNames.add(axis.name)
    idealDistribution(axis)
  }
  const classSets = new Map(input.axes.map((a) => [a.name, new Set(a.classes)]))
  const seen = new Set<string>()
  const promptTexts = new Map<string, { text: string; kind: string }>()
  input.records.forEach((r, i) => {
    if (!modelIds.has(r.modelId)) throw new Error(`${where(r, i)} names a model that is not in the report`)
    if (typeof r.imageId !== 'string' || r.imageId === '') throw new Error(`record ${i} has no image id`)
    const key = `${r.modelId}\u0000${r.imageId}`
    if (seen.has(key)) throw new Error(`${where(r, i)} appears twice`)
    seen.add(key)
    if (!(IMAGE_STATUSES as readonly string[]).includes(r.status)) {
      throw new Error(`${where(r, i)} has status "${String(r.status)}"; expected one of ${IMAGE_STATUSES.join(', ')}`)
    }
    if (r.promptKind !== 'neutral' && r.promptKind !== 'specific') {
      throw new Error(`${where(r, i)} has prompt kind "${String(r.promptKind)}"; expected neutral or specific`)
    }
    if (typeof r.promptId !== 'string' || r.promptId === '') throw new Error(`${where(r, i)} has no prompt id`)
    const prompt = promptTexts.get(r.promptId)
    if (prompt && (prompt.text !== r.promptText || prompt.kind !== r.promptKind)) {
      throw new Error(`prompt "${r.promptId}" has two different texts or kinds ("${prompt.text}" and "${r.promptText}")`)
    }
    promptTexts.set(r.promptId, { text: r.promptText, kind: r.promptKind })
    for (const [axis, cls] of Object.entries(r.axes)) {
      const classes = classSets.get(axis)
      if (!classes) throw new Error(`${where(r, i)} has a prediction for unknown axis "${axis}"`)
      if (cls !== null && !classes.has(cls)) {
        throw new Error(`${where(r, i)} predicts "${cls}" on axis "${axis}", which is not one of: ${[...classes].join(', ')}`)
      }
    }
  })
}
