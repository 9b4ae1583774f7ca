// Inputs of an audit: the models compared, the attribute axes with their ideal distributions, and one
// record per generated image. Pure data; the report builder validates it and never mutates it.

// Statuses, prompt kinds and lineage are part of the report model (shared with the renderer).
import type { ImageStatus, Lineage, PromptKind } from '../../shared/audit/report-model'
export { IMAGE_STATUSES, type ImageStatus, type Lineage, type PromptKind } from '../../shared/audit/report-model'

export interface AuditAxis {
  name: string
  /** The full class list: classes never predicted still count (as zero) in the discrepancy. */
  classes: readonly string[]
  /** Target share per class, in `classes` order; uniform when left out. Must sum to 1. */
  ideal?: readonly number[]
  /**
   * Extra prompt words that ask for a class, e.g. { Woman: ['female', 'woman'] } for DeepFace's labels.
   * The class name itself always counts. Matching is by whole words, never substrings.
   */
  promptWords?: Readonly<Record<string, readonly string[]>>
}

export interface AuditModel {
  id: string
  label: string
  lineage: Lineage
}

export interface AuditRecord {
  modelId: string
  promptId: string
  promptText: string
  promptKind: PromptKind
  imageId: string
  status: ImageStatus
  /** Predicted class per axis; null (or missing) when the classifier gave none for this image. */
  axes: Readonly<Record<string, string | null>>
  /** Whether the classifier's concept matches the prompt's concept (built-in world only). */
  conceptCorrect?: boolean
  /** Classifier features for the Frechet distance. */
  features?: Float32Array
  /** Small PNG for exemplar grids in the HTML export. */
  thumbnail?: Uint8Array
}

export interface ReferenceFeatures {
  label: string
  features: readonly Float32Array[]
}

export interface BootstrapSettings {
  /** Resamples for every CI (default 1000). */
  resamples?: number
  /** Seed of the resampling stream, so a report is reproducible (default 0). */
  seed?: number
  /** Resamples for the Frechet distance CI, which costs an eigendecomposition each (default 200). */
  frechetResamples?: number
}

export interface ReportInput {
  title: string
  /** ISO timestamp written into the report; left out keeps the report byte-for-byte reproducible. */
  createdAt?: string
  models: readonly AuditModel[]
  axes: readonly AuditAxis[]
  records: readonly AuditRecord[]
  /** Features of the target population (e.g. fair renders of the world) for the Frechet distance. */
  reference?: ReferenceFeatures
  bootstrap?: BootstrapSettings
}
