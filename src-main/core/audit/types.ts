// Inputs of an audit: the models compared, the attribute axes with their ideal distributions, and one
// record per generated image. Pure data; the report builder validates it and never mutates it.

export const IMAGE_STATUSES = ['ok', 'no_detection', 'low_confidence', 'error'] as const
export type ImageStatus = (typeof IMAGE_STATUSES)[number]

/** Identity-neutral prompts measure discrepancy; identity-specific prompts measure recall. */
export type PromptKind = 'neutral' | 'specific'

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

export interface Lineage {
  checkpoint: string | null
  run: string | null
  snapshot: string | null
  annotators: readonly string[]
  /** Inter-annotator agreement (e.g. Krippendorff's alpha), null when not measured. */
  agreement: number | null
  classifier: { id: string; version: string }
  /** Prompt set name or path. */
  prompts: string
  seeds: readonly number[]
  sampler: string | null
  guidance: number | null
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
