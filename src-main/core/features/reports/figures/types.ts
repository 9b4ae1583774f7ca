// Inputs of an audit: the models compared, the attribute axes with their ideal distributions, and one
// record per generated image. Pure data; the report builder validates it and never mutates it.

// Statuses, prompt kinds and lineage are part of the report model (shared with the renderer).
import type { ImageStatus, Lineage, PromptKind } from '../../../../shared/audit/report-model'
import type { Descriptor, KernelScale } from './fidelity'
export { IMAGE_STATUSES, type ImageStatus, type Lineage, type PromptKind } from '../../../../shared/audit/report-model'

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
  /** The image and its matched clean reference, described for the fidelity figures (fidelity.ts). */
  fidelity?: FidelityEvidence
}

/** Descriptors of one image and of a clean reference of the same concept and attributes. */
export interface FidelityEvidence {
  pixels: { image: Descriptor; reference: Descriptor }
  /** Classifier features of both, when the classifier gives features. */
  features?: { image: Descriptor; reference: Descriptor }
}

/** Kernel bandwidths of the fidelity figures, fixed from a canonical set of clean references. */
export interface FidelityScale {
  /** What the references are, in words (shown next to the figure). */
  reference: string
  pixels: KernelScale
  features: KernelScale | null
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
  /**
   * Resamples for the intervals of the costly figures (default 200): the Frechet distance (an
   * eigendecomposition each) and the fidelity figures (a pass over a kernel matrix each).
   */
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
  /** Required when any record carries fidelity evidence. */
  fidelityScale?: FidelityScale
  bootstrap?: BootstrapSettings
}
