// The audit report's data model, which is also the stable JSON export schema (bump
// REPORT_SCHEMA_VERSION on any incompatible change). Every number is an Estimate: value, 95% interval,
// n, how the interval was resampled, a plain-language sentence, and the ids of the images behind it.
// Runtime-neutral (no node:*, no electron) so the renderer's report view reads the same types the
// core writes; core/audit re-exports everything here.

export const IMAGE_STATUSES = ['ok', 'no_detection', 'low_confidence', 'error'] as const
export type ImageStatus = (typeof IMAGE_STATUSES)[number]

/** Identity-neutral prompts measure discrepancy; identity-specific prompts measure recall. */
export type PromptKind = 'neutral' | 'specific'

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

export const REPORT_SCHEMA = 'popalign.audit-report'
export const REPORT_SCHEMA_VERSION = 1

/**
 * How the interval was obtained: 'prompts+images' draws prompts then images within them (pooled
 * numbers), 'images' keeps the prompt and draws its images (per-prompt numbers), 'prompts' draws
 * whole prompts only (the Frechet distance on large sets, where per-image resampling is too slow).
 */
export type ResampleMethod = 'prompts+images' | 'images' | 'prompts'

export interface Estimate {
  /** null when there is nothing to measure (n = 0); the sentence says why. */
  value: number | null
  ciLow: number | null
  ciHigh: number | null
  /** Images the number is computed over. */
  n: number
  method: ResampleMethod
  sentence: string
  /** Ids of the images behind the number. */
  evidence: string[]
}

export interface ClassShare {
  cls: string
  ideal: number
  count: number
  share: Estimate
}

export type StatusCounts = Record<ImageStatus, number>

export interface Coverage {
  total: number
  counts: StatusCounts
  /** Image ids per status: nothing is skipped silently, every excluded image can be opened. */
  evidence: Record<ImageStatus, string[]>
  /** Share of images classified 'ok'. */
  ratio: Estimate
}

export interface Distribution {
  /** null on identity-specific prompts, where a uniform ideal does not apply. */
  discrepancy: Estimate | null
  classes: ClassShare[]
  /** 'ok' images the classifier gave no class on this axis. */
  unlabelled: number
}

export interface PromptAxisReport {
  promptId: string
  /** The class the prompt asks for on this axis (whole-word match), or null. */
  askedClass: string | null
  distribution: Distribution
  /** Only on identity-specific prompts that ask for a class of this axis. */
  recall: Estimate | null
}

export interface AxisReport {
  axis: string
  classes: string[]
  ideal: number[]
  /** Over all images of all identity-neutral prompts together (ALGORITHMS.md §3.8), not a mean of prompts. */
  pooled: Distribution
  recall: Estimate | null
  prompts: PromptAxisReport[]
}

export interface PromptReport {
  promptId: string
  text: string
  kind: PromptKind
  coverage: Coverage
}

export interface ModelReport {
  id: string
  label: string
  lineage: Lineage
  images: number
  coverage: Coverage
  conceptAccuracy: Estimate | null
  frechet: Estimate | null
  /** Identity-specific images that show every class their prompt asks for. */
  recallOverall: Estimate | null
  prompts: PromptReport[]
  axes: AxisReport[]
}

export interface ReportSettings {
  resamples: number
  frechetResamples: number
  seed: number
  confidence: number
}

export interface Report {
  schema: typeof REPORT_SCHEMA
  schemaVersion: typeof REPORT_SCHEMA_VERSION
  title: string
  createdAt: string | null
  settings: ReportSettings
  axes: { name: string; classes: string[]; ideal: number[] }[]
  reference: { label: string; images: number } | null
  models: ModelReport[]
}
