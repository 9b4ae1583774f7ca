// The resumable plan of one report job, kept as the job's payload. Phases run in order; each one
// records what it finished, so a job resumed after a kill carries on where it stopped:
//  - sample:   one child sampling job per model source (per model and guidance scale of a sweep) (its id is saved before it starts working,
//              so a resumed report waits on the same child instead of sampling twice);
//  - classify: the verdicts table is the ledger (images without a verdict of this classifier version);
//  - build:    the report is built from stored verdicts and written to the report store.
import type { ClassifierChoice } from '../../classifier/open'

export interface SourceState {
  kind: 'model' | 'images'
  label: string
  /** Model id ("base", "run:12") for model sources. */
  model: string | null
  sampleJobId: number | null
  /** Set once known: at start for image sources, when the child job is done for model sources. */
  imageIds: number[] | null
  /** Lineage of a sampled model, from its images' provenance. */
  checkpoint: string | null
  step: number | null
  backend: string | null
  /** The guidance scale this source samples with (one source per model and scale of a sweep); absent in older payloads: request.guidance. */
  guidance?: number | null
}

export interface AuditRequest {
  prompts: string[]
  seedStart: number
  count: number
  steps: number
  sampler: 'ddim' | 'ddpm'
  guidance: number
  /** The guidance sweep, when more than one scale was asked for (each model is sampled at each). */
  guidances?: number[]
  resamples: number
}

export interface AuditPayload {
  version: 1
  title: string
  request: AuditRequest
  classifier: { choice: ClassifierChoice; id: string; version: string }
  sources: SourceState[]
  createdAt: string
}

export function parseAuditPayload(raw: unknown): AuditPayload {
  const p = raw as Partial<AuditPayload> | null
  if (
    !p ||
    p.version !== 1 ||
    typeof p.title !== 'string' ||
    !p.request ||
    !Array.isArray(p.request.prompts) ||
    !p.classifier ||
    typeof p.classifier.id !== 'string' ||
    !Array.isArray(p.sources) ||
    p.sources.some((s) => !s || (s.kind !== 'model' && s.kind !== 'images'))
  ) {
    throw new Error('report job payload is damaged')
  }
  return p as AuditPayload
}

/** Work items of the whole job: sampled images, classified images, and one for the build. */
export function totalWork(p: AuditPayload, imagesSourceCount: number): { sample: number; classify: number; total: number } {
  const perModel = p.request.prompts.length * p.request.count
  const sample = p.sources.filter((s) => s.kind === 'model').length * perModel
  const classify = sample + imagesSourceCount
  return { sample, classify, total: sample + classify + 1 }
}
