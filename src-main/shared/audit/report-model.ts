// The audit report's data model, which is also the stable JSON export schema (bump
// REPORT_SCHEMA_VERSION on any incompatible change). Every number is an Estimate: value, 95% interval,
// n, how the interval was resampled, a plain-language sentence, and the ids of the images behind it.
// Runtime-neutral (no node:*, no electron) so the renderer's report view reads the same types the
// core writes; core/features/reports/figures re-exports everything here.

export const IMAGE_STATUSES = ['ok', 'no_detection', 'low_confidence', 'error'] as const
export type ImageStatus = (typeof IMAGE_STATUSES)[number]

/** Identity-neutral prompts measure discrepancy; identity-specific prompts measure recall. */
export type PromptKind = 'neutral' | 'specific'

export interface Lineage {
  checkpoint: string | null
  run: string | null
  snapshot: string | null
  annotators: readonly string[]
  /** Inter-annotator agreement (Krippendorff's alpha over pairs judged by several annotators), null when not measured. */
  agreement: number | null
  /**
   * The classifier of this audit (statuses and classes of every image). `notice` (added after schema
   * 2, optional) is the classifier's own plain words on what its attributes are, e.g. the photo
   * classifier's "perceived attributes ... known limits".
   */
  classifier: { id: string; version: string; notice?: string | null }
  /** Prompt set name or path. */
  prompts: string
  seeds: readonly number[]
  sampler: string | null
  guidance: number | null
  // Added in schema 2 (absent in reports written by schema 1):
  /** The model reference audited ("base", "run:12@60"), null for image sets; points of one model share it. */
  model?: string | null
  /**
   * Added after schema 3 (optional): for an image set, where its images came from as their provenance
   * records it (the fine-tune run with its weights and lineage hashes, or the generator); absent otherwise.
   */
  origin?: string | null
  /** Sampling steps (null for image sets). */
  steps?: number | null
  /** Every prompt text, in report order. */
  promptTexts?: readonly string[]
  /** What the model was trained from, when it is a training run's checkpoint (null otherwise). */
  training?: TrainingLineage | null
}

/** A training run (plain or preference fine-tuning) as its run record (run.json) pins it. */
export interface TrainingLineage {
  runId: number
  /** The run as its project calls it ("Run 3", or the name a person gave it); absent in older reports and outside a workspace. */
  label?: string
  /** 'popalign' | 'dpo' | 'sft' for fine-tuning runs, 'pretrain' for plain training. */
  method: string
  preset: string | null
  beta: number | null
  alpha: number | null
  steps: number
  /** The step of the audited checkpoint (null when unknown). */
  checkpointStep: number | null
  seed: number
  backend: string | null
  codeVersion: string | null
  /** The model the run started from, and its checkpoint file and step (null for a run from scratch). */
  base: { model: string; checkpoint: string; step: number } | null
  snapshot: SnapshotLineage | null
}

/** The preference snapshot a fine-tuning run trained on, with who judged it and how much they agreed. */
export interface SnapshotLineage {
  id: number
  name: string
  criterion: string
  contentSha256: string
  /** Pairs with a decided winner (the pairs the run could use), and all judged pairs. */
  pairsUsed: number
  pairsJudged: number
  /** Winner-loser image pairs the run drew from (run.json), null when not recorded. */
  trainingPairs: number | null
  annotators: { id: number; name: string; kind: 'human' | 'classifier'; judgements: number }[]
  agreement: AgreementLineage
  /** The classifier versions behind the automatic judge's pairs (acquisition), empty when no automatic judge. */
  acquisitionClassifiers: { id: string; version: string; images: number }[]
}

export interface AgreementLineage {
  /** Pairs judged by at least two annotators: the only pairs agreement can be measured on. */
  pairs: number
  /** Mean share of agreeing answer pairs per pair; null without such pairs. */
  percent: number | null
  /** Krippendorff's alpha (nominal), with a bootstrap 95% interval over pairs; null when undefined. */
  alpha: number | null
  alphaLow: number | null
  alphaHigh: number | null
}

export const REPORT_SCHEMA = 'popalign.audit-report'
/**
 * 2 adds the optional structured lineage fields (model, steps, promptTexts, training); 3 adds the
 * fidelity figures (fidelity, featureFidelity, Report.fidelity). Readers accept 1 and 2 (figures absent).
 */
export const REPORT_SCHEMA_VERSION = 3
export const READABLE_SCHEMA_VERSIONS: readonly number[] = [1, 2, 3]

/**
 * How the interval was obtained: 'prompts+images' draws prompts then images within them (pooled
 * numbers), 'images' keeps the prompt and draws its images (per-prompt numbers), 'prompts' draws
 * whole prompts only (the Frechet distance on large sets, where per-image resampling is too slow),
 * 'pairs' draws (image, matched reference) pairs and gives estimate +- 1.96 bootstrap standard errors
 * (the fidelity figures).
 */
export type ResampleMethod = 'prompts+images' | 'images' | 'prompts' | 'pairs'

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
  /** Over all images of all identity-neutral prompts together (docs/methods/evaluation.md §Pooling), not a mean of prompts. */
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
  /**
   * Image fidelity in pixel statistics (100 x MMD^2 against clean references of the same concept and
   * attributes; about 0 = as good as the references, higher is worse). Null when no reference can be
   * drawn (images outside the built-in world). Absent in schema 1-2 reports.
   */
  fidelity?: Estimate | null
  /** The same figure on the classifier's features (sees what the classifier sees; blind to most noise). */
  featureFidelity?: Estimate | null
  /** Frechet distance to fair renders: secondary, because moving towards fairness lowers it by itself. */
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
  /** What the fidelity figures compare against, in words; null without them (absent before schema 3). */
  fidelity?: { reference: string } | null
  models: ModelReport[]
}
