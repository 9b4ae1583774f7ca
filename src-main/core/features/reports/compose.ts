// From classified images to a report: one source per model (its images, their prompts and their
// classifications), turned into audit records and handed to buildReport. Shared by the headless CLI,
// the app's report job and the benchmark, so all three build the same report from the same inputs.
import { auditFromClassifications, type ClassifiedImageMeta } from './figures/from-classifications'
import { buildReport } from './figures/report'
import type { Report } from './figures/report-model'
import type { AuditAxis, AuditModel, AuditRecord, BootstrapSettings, FidelityEvidence, FidelityScale, ReferenceFeatures } from './figures/types'
import type { Classification } from '../../classifier/classifier'

export interface AuditSource {
  model: AuditModel
  images: readonly ClassifiedImageMeta[]
  /** One per image, same order. */
  classifications: readonly Classification[]
}

export interface ComposeInput {
  title: string
  createdAt?: string
  axes: readonly AuditAxis[]
  /** The classifier's concept classes (built-in world), for concept accuracy. */
  concepts: readonly string[] | null
  sources: readonly AuditSource[]
  reference: ReferenceFeatures | null
  /** Matched-reference evidence per image id and the kernel scale (built-in world); null without. */
  fidelity?: { scale: FidelityScale; evidence: ReadonlyMap<string, FidelityEvidence> } | null
  bootstrap?: BootstrapSettings
}

export function composeReport(input: ComposeInput): { report: Report; records: AuditRecord[] } {
  if (input.sources.length === 0) throw new Error('an audit needs at least one model or image set')
  const records: AuditRecord[] = []
  for (const s of input.sources) {
    const part = auditFromClassifications({
      modelId: s.model.id,
      axes: input.axes,
      images: s.images,
      classifications: s.classifications,
      concepts: input.concepts ?? undefined
    })
    for (const r of part) {
      const evidence = input.fidelity?.evidence.get(r.imageId)
      if (evidence) r.fidelity = evidence
      records.push(r)
    }
  }
  const report = buildReport({
    title: input.title,
    createdAt: input.createdAt,
    models: input.sources.map((s) => s.model),
    axes: input.axes,
    records,
    reference: input.reference ?? undefined,
    fidelityScale: input.fidelity?.scale,
    bootstrap: input.bootstrap
  })
  return { report, records }
}

/**
 * The images the HTML export shows as exemplars (the first `per` classified images of every model and
 * prompt), so thumbnails are made only for those and not for all 10,000 images of a large audit.
 */
export function exemplarIds(report: Report, per = 8): string[] {
  const ids = new Set<string>()
  for (const m of report.models) {
    for (const p of m.prompts) for (const id of p.coverage.ratio.evidence.slice(0, per)) ids.add(id)
  }
  return [...ids]
}

/** Distinct, readable ids: "name", "name-2", ... */
export function uniqueIds(names: readonly string[]): string[] {
  const seen = new Map<string, number>()
  return names.map((raw) => {
    const base = raw.replace(/[^\w.@:-]+/g, '-').replace(/^-+|-+$/g, '') || 'model'
    const n = (seen.get(base) ?? 0) + 1
    seen.set(base, n)
    return n === 1 ? base : `${base}-${n}`
  })
}
