// The one typed API of the studio. Every method is declared once here, with run-time schemas for its
// input and output, and served by two transports (Electron IPC and serve-mode HTTP/WebSocket).
// Runtime-neutral: imports neither electron nor node:* (enforced by test/security/layers.test.ts).
import { z } from 'zod'
import { REPORT_SCHEMA, type Report as AuditReport } from './audit/report-model'

export const Id = z.number().int().positive().max(Number.MAX_SAFE_INTEGER)
const Name = z.string().trim().min(1).max(200)
const LongText = z.string().max(10_000)
/** Absolute folder or file path typed by the owner; checked again by the core before any file access. */
export const FsPath = z.string().min(1).max(4096).refine((p) => !p.includes('\0'), 'path contains a NUL byte')

export const Criterion = z.enum(['fairness', 'quality'])
export type Criterion = z.infer<typeof Criterion>
/** A choice is stored relative to the pair's sets a and b, never relative to screen sides. */
export const Choice = z.enum(['a', 'b', 'tie', 'cant_judge'])
export type Choice = z.infer<typeof Choice>
export const SetSide = z.enum(['a', 'b'])
export type SetSide = z.infer<typeof SetSide>
export const PromptKind = z.enum(['neutral', 'specific'])
export const Scope = z.enum(['owner', 'annotate'])
export type Scope = z.infer<typeof Scope>

export const Project = z.object({
  id: Id,
  name: Name,
  description: z.string(),
  createdAt: z.string()
})
export type Project = z.infer<typeof Project>

export const Prompt = z.object({
  id: Id,
  projectId: Id,
  text: z.string(),
  kind: PromptKind,
  neutralPromptId: Id.nullable(),
  imageCount: z.number().int().nonnegative()
})
export type Prompt = z.infer<typeof Prompt>

export const Axis = z.object({
  id: Id,
  projectId: Id,
  name: Name,
  classes: z.array(Name).min(2).max(64),
  /** Ideal distribution over `classes`; null means uniform. */
  ideal: z.array(z.number().nonnegative()).nullable()
})
export type Axis = z.infer<typeof Axis>

export const ImageSummary = z.object({
  id: Id,
  promptId: Id,
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  sha256: z.string(),
  seed: z.number().int().nullable(),
  generator: z.string().nullable()
})
export type ImageSummary = z.infer<typeof ImageSummary>

export const SetOrigin = z.enum(['random', 'manual', 'mcmc', 'generated'])
export const ImageSet = z.object({
  id: Id,
  projectId: Id,
  promptId: Id,
  origin: SetOrigin,
  imageIds: z.array(Id)
})
export type ImageSet = z.infer<typeof ImageSet>

export const SetPair = z.object({ id: Id, projectId: Id, promptId: Id, setA: Id, setB: Id })
export type SetPair = z.infer<typeof SetPair>

export const Judgement = z.object({
  id: Id,
  pairId: Id,
  annotatorId: Id,
  criterion: Criterion,
  choice: Choice,
  shownLeft: SetSide,
  responseMs: z.number().int().nonnegative(),
  createdAt: z.string()
})
export type Judgement = z.infer<typeof Judgement>

export const Progress = z.object({ done: z.number().int().nonnegative(), total: z.number().int().nonnegative() })
export type Progress = z.infer<typeof Progress>

/** One pair to label, with the side each set is shown on already drawn (and recorded with the decision). */
export const PairTask = z.object({
  pair: SetPair,
  promptText: z.string(),
  setA: ImageSet,
  setB: ImageSet,
  shownLeft: SetSide,
  progress: Progress
})
export type PairTask = z.infer<typeof PairTask>

export const JobKind = z.enum(['import', 'train', 'sample', 'classify', 'acquire', 'export', 'audit'])
export const JobState = z.enum(['queued', 'running', 'paused', 'done', 'failed', 'cancelled'])
export const Job = z.object({
  id: Id,
  projectId: Id.nullable(),
  kind: JobKind,
  state: JobState,
  done: z.number().int().nonnegative(),
  total: z.number().int().nonnegative(),
  message: z.string(),
  error: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string()
})
export type Job = z.infer<typeof Job>

export const ImportFailure = z.object({ file: z.string(), reason: z.string() })
export const ImportReport = z.object({
  jobId: Id,
  imported: z.number().int().nonnegative(),
  duplicates: z.number().int().nonnegative(),
  failures: z.array(ImportFailure),
  /**
   * What the import passed over (up to 20 names; folders end in "/") and how many: when no file was
   * tried, the folder's top-level entries; otherwise its sub-folders, which are not searched.
   */
  ignored: z.object({ names: z.array(z.string()), total: z.number().int().nonnegative() }).optional()
})
export type ImportReport = z.infer<typeof ImportReport>

export const Annotator = z.object({ id: Id, name: Name, kind: z.enum(['human', 'classifier']) })
export type Annotator = z.infer<typeof Annotator>

export const Session = z.object({ annotator: Annotator, scope: Scope })
export type Session = z.infer<typeof Session>

// ---- Issue 6: MCMC set refinement and team annotation (schemas) ----

export const McmcJudge = z.enum(['human', 'auto', 'mixed'])
export type McmcJudge = z.infer<typeof McmcJudge>
export const McmcDecision = z.enum(['accept', 'reject', 'stop'])
export type McmcDecision = z.infer<typeof McmcDecision>
/** Replace the member at `position` (the image `outImageId`) by `inImageId`. */
export const McmcProposal = z.object({ position: z.number().int().nonnegative(), outImageId: Id, inImageId: Id })
export type McmcProposal = z.infer<typeof McmcProposal>
/** Where a chain's proposed images come from: the prompt's pool, freshly sampled, or the pool until exhausted, then sampled. */
export const McmcProposalSource = z.enum(['pool', 'sample', 'mixed'])
export type McmcProposalSource = z.infer<typeof McmcProposalSource>
/** Where a chain's starting set comes from: drawn from the prompt's pool, or freshly sampled from a model. */
export const McmcStart = z.enum(['pool', 'generate'])
export type McmcStart = z.infer<typeof McmcStart>
/** The model and settings a chain samples its fresh proposals with (the seed of each comes from the chain's RNG). */
export const McmcSampling = z.object({
  model: z.string(),
  steps: z.number().int().positive(),
  sampler: z.enum(['ddpm', 'ddim']),
  guidance: z.number().nonnegative()
})
export type McmcSampling = z.infer<typeof McmcSampling>
/** Classifier counts of the current set on one axis; `unseen` members have no usable verdict. */
export const AxisTally = z.object({
  axis: z.string(),
  counts: z.array(z.object({ cls: z.string(), count: z.number().int().nonnegative() })),
  unseen: z.number().int().nonnegative()
})
export type AxisTally = z.infer<typeof AxisTally>
/** How the proposed (incoming) image was sampled, when it was: by this chain, or by a sample job. */
export const McmcIncoming = z.object({
  imageId: Id,
  source: z.enum(['chain', 'sample-job']),
  model: z.string(),
  modelLabel: z.string().nullable(),
  seed: z.number().int(),
  /** The chain step it was sampled for, or its position in a generated starting set (chain-sampled only). */
  chainStep: z.number().int().nonnegative().nullable(),
  role: z.enum(['start', 'proposal']).nullable()
})
export type McmcIncoming = z.infer<typeof McmcIncoming>
export const McmcChain = z.object({
  id: Id,
  projectId: Id,
  promptId: Id,
  judge: McmcJudge,
  state: z.enum(['running', 'finished']),
  setSize: z.number().int().positive(),
  imageIds: z.array(Id),
  /** The pending swap; null when the chain is finished or no image outside the set is left. */
  proposal: McmcProposal.nullable(),
  /** Who must judge the pending proposal: a person, or the classifier (call mcmc.runAuto). */
  awaiting: z.enum(['human', 'auto']).nullable(),
  step: z.number().int().nonnegative(),
  accepted: z.number().int().nonnegative(),
  rejected: z.number().int().nonnegative(),
  /** accepted / (accepted + rejected); null before the first decision. */
  acceptanceRate: z.number().min(0).max(1).nullable(),
  resultSetId: Id.nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  /** Only when asked for (hidden by default so it does not anchor the judge). */
  tally: z.array(AxisTally).nullable(),
  /** Where proposals come from ('pool' when left out). */
  proposalSource: McmcProposalSource.optional(),
  sampling: McmcSampling.nullable().optional(),
  /** True while the next proposal is being sampled from the model (it appears once its image is in the workspace). */
  proposalPending: z.boolean().optional(),
  /** Why the last attempt to sample the pending proposal failed, if it did (the next mcmc.get retries). */
  proposalError: z.string().nullable().optional(),
  /** Where the starting set came from ('pool' when left out). */
  start: McmcStart.optional(),
  /** Starting images still to be sampled (a 'generate' chain shows no proposal before this is 0). */
  startPending: z.number().int().nonnegative().optional(),
  /** Provenance of the pending proposal's incoming image, when it was sampled from a model; null otherwise. */
  incoming: McmcIncoming.nullable().optional()
})
export type McmcChain = z.infer<typeof McmcChain>
export const McmcLogEntry = z.object({
  step: z.number().int().nonnegative(),
  decision: McmcDecision,
  proposal: McmcProposal.nullable(),
  judgeKind: z.enum(['human', 'auto']),
  annotatorId: Id,
  /** Classifier distance to the target (summed L2 over axes) before and after the swap; auto decisions only. */
  distanceBefore: z.number().nullable(),
  distanceAfter: z.number().nullable(),
  createdAt: z.string()
})
export type McmcLogEntry = z.infer<typeof McmcLogEntry>

export const TeamMember = z.object({ id: Id, name: Name, kind: z.enum(['human', 'classifier']), revoked: z.boolean(), createdAt: z.string() })
export type TeamMember = z.infer<typeof TeamMember>
export const Invite = z.object({
  /** Shown once; only its digest is stored. */
  code: z.string(),
  /** Path to open on the served studio, e.g. `/invite/<code>`. */
  path: z.string(),
  expiresAt: z.string(),
  /** The invite's id, for team.revokeInvite. */
  id: Id.optional()
})
export type Invite = z.infer<typeof Invite>
export const Interval = z.object({ low: z.number(), high: z.number() })
export const AnnotatorProgress = z.object({ annotator: Annotator, assigned: z.number().int().nonnegative(), done: z.number().int().nonnegative() })
export const Agreement = z.object({
  criterion: Criterion,
  /** Pairs with at least two usable answers (can't-judge is missing data). */
  units: z.number().int().nonnegative(),
  answers: z.number().int().nonnegative(),
  percentAgreement: z.number().min(0).max(1).nullable(),
  /** Krippendorff's alpha (nominal); null when there is no variation to measure against. */
  alpha: z.number().nullable(),
  alphaCi: Interval.nullable(),
  resamples: z.number().int().nonnegative()
})
export type Agreement = z.infer<typeof Agreement>
/** How often the classifier annotator agrees with the people's majority on pairs both judged. */
export const ClassifierAgreement = z.object({
  criterion: Criterion,
  /** Pairs with a strict human majority (can't-judge left out) and a classifier answer. */
  pairs: z.number().int().nonnegative(),
  agreed: z.number().int().nonnegative(),
  /** agreed / pairs; null when there is no such pair. */
  percentAgreement: z.number().min(0).max(1).nullable(),
  /** Pairs the classifier judged that have no human majority yet (no answers, or a split). */
  withoutMajority: z.number().int().nonnegative()
})
export type ClassifierAgreement = z.infer<typeof ClassifierAgreement>
export const InviteStatus = z.enum(['open', 'redeemed', 'expired', 'revoked'])
export type InviteStatus = z.infer<typeof InviteStatus>
/** An invite as the owner lists it; its code is never stored, so never listed. */
export const InviteInfo = z.object({
  id: Id,
  annotator: Annotator,
  status: InviteStatus,
  createdAt: z.string(),
  expiresAt: z.string(),
  redeemedAt: z.string().nullable(),
  revokedAt: z.string().nullable()
})
export type InviteInfo = z.infer<typeof InviteInfo>
export const ChoiceCounts = z.object({ a: z.number().int(), b: z.number().int(), tie: z.number().int(), cant_judge: z.number().int() })
export const AdjudicationItem = z.object({
  pairId: Id,
  counts: ChoiceCounts,
  answers: z.number().int().nonnegative(),
  /** 1 - share of the most frequent answer: 0 is unanimous. */
  disagreement: z.number().min(0).max(1)
})
export const BiasReport = z.object({
  annotator: Annotator,
  /** Decisions for a or b (ties and can't-judge say nothing about sides). */
  sidedDecisions: z.number().int().nonnegative(),
  leftChosen: z.number().int().nonnegative(),
  leftShare: z.number().min(0).max(1).nullable(),
  /** Wilson 95% interval of the left share. */
  leftShareCi: Interval.nullable(),
  /** True when 0.5 lies outside the interval. */
  sideBiased: z.boolean(),
  medianResponseMs: z.number().nullable(),
  /** Judgements whose response time is an outlier (robust z-score of log time above 3.5). */
  responseOutliers: z.array(z.object({ judgementId: Id, responseMs: z.number().int().nonnegative() }))
})
export const JudgementEdit = z.object({ judgementId: Id, oldChoice: Choice, newChoice: Choice, editedBy: Id, createdAt: z.string() })
export const RecentJudgement = Judgement.extend({ edits: z.number().int().nonnegative() })

// ---- Issue 3: the diffusion engine in the app (train and sample jobs) — schemas ----

export const LossWeightingName = z.enum(['constant', 'debias', 'min_snr', 'p2'])
export const ScheduleName = z.enum(['linear', 'cosine'])
/** Architecture presets of the built-in DiT (16x16 world images). */
export const ModelSize = z.enum(['tiny', 'small', 'base'])
export type ModelSize = z.infer<typeof ModelSize>
export const SamplerName = z.enum(['ddpm', 'ddim'])
/** A model by id, never by path: "base" (the shipped model) or "run:<jobId>" / "run:<jobId>@<step>" (newest checkpoint when no step). */
export const ModelRef = z.string().regex(/^(base|run:[1-9][0-9]{0,15}(@[0-9]{1,12}(-ema)?)?)$/, 'a model id: "base" or "run:<jobId>[@<step>[-ema]]"')
const Count = z.number().int().nonnegative()
export const EngineInfo = z.object({
  training: z.object({
    /** tfjs backend name ('wasm', 'tensorflow'). */
    backend: z.string(),
    package: z.string(),
    /** One line for the UI, e.g. "tfjs wasm + kernel shim, 1 thread". */
    description: z.string(),
    threads: Count,
    shimmedKernels: z.array(z.string()),
    /** Why each faster backend was not used. */
    skipped: z.array(z.object({ package: z.string(), reason: z.string() }))
  }),
  sampling: z.object({
    backend: z.enum(['onnxruntime-node', 'tfjs']),
    ortAvailable: z.boolean(),
    ortVersion: z.string().nullable(),
    /** Why onnxruntime-node is not used, when it is not. */
    reason: z.string().nullable()
  })
})
export type EngineInfo = z.infer<typeof EngineInfo>
export const ModelArch = z.object({ imageSize: Count, patch: Count, width: Count, depth: Count, heads: Count })
export const ModelEntry = z.object({
  id: z.string(),
  label: z.string(),
  source: z.enum(['builtin', 'run']),
  /** The training job that wrote it (run checkpoints). */
  jobId: Id.nullable(),
  /** The project that job belongs to (models.list fills it for runs), so lists can put the current project's runs first. */
  projectId: Id.nullable().optional(),
  step: Count,
  totalSteps: Count,
  arch: ModelArch,
  weighting: z.string(),
  schedule: z.string(),
  seed: z.number().int(),
  path: z.string()
})
export type ModelEntry = z.infer<typeof ModelEntry>
export const TrainSettings = z
  .object({
    size: ModelSize.default('tiny'),
    steps: z.number().int().min(1).max(1_000_000).default(200),
    batchSize: z.number().int().min(1).max(1024).default(16),
    learningRate: z.number().positive().lt(1).default(1e-3),
    weighting: LossWeightingName.default('constant'),
    schedule: ScheduleName.default('cosine'),
    seed: z.number().int().min(0).max(2 ** 31 - 1).default(1),
    condDropout: z.number().min(0).max(1).default(0.1),
    checkpointEvery: z.number().int().min(1).max(1_000_000).default(50),
    /** EMA of the weights with its own checkpoints (sample them as "run:N@S-ema"); 0 = none. */
    emaDecay: z.number().min(0).lt(1).default(0)
  })
  .strict()
export type TrainSettings = z.infer<typeof TrainSettings>
export const LossPoint = z.object({ step: Count, loss: z.number() })
/** The quick fixed-seed check of one checkpoint (step 0 = the model the run started from). */
export const QualityPoint = z.object({
  step: Count,
  /** Image fidelity gap (100 x MMD^2 to matched clean renders; lower is better) with its 95% interval. */
  fidelity: z.object({ value: z.number(), low: z.number(), high: z.number() }).nullable(),
  discrepancy: z.array(z.object({ axis: z.string(), value: z.number().nullable() })),
  conceptAccuracy: z.number().nullable(),
  /** Contact sheet: one row per check prompt, the same seeds across (a data: PNG). */
  sheet: z.string(),
  /** Against step 0 by the report's quality gate; null for step 0 or without a fidelity figure. */
  quality: z.object({ change: z.number(), failed: z.boolean() }).nullable()
})
export type QualityPoint = z.infer<typeof QualityPoint>
/** What the divergence guard did during a run. */
export const GuardEvent = z.object({ action: z.enum(['rollback', 'stop']), step: Count, toStep: Count, reason: z.string(), learningRate: z.number() })
export type GuardEvent = z.infer<typeof GuardEvent>
export const TrainMetrics = z.object({
  jobId: Id,
  state: JobState,
  step: Count,
  totalSteps: Count,
  loss: z.number().nullable(),
  itPerSec: z.number().nullable(),
  /** Null while unknown (no rate yet). */
  etaSeconds: z.number().nullable(),
  /** The curve, thinned to at most maxPoints; totalPoints says how many were recorded. */
  points: z.array(LossPoint),
  totalPoints: Count,
  backend: z.string().nullable(),
  /** The newest checkpoint as a model id for sample.start. */
  checkpoint: z.object({ step: Count, modelId: z.string() }).nullable(),
  /** The quick check of every checkpoint, in step order. */
  quality: z.array(QualityPoint),
  /** The checkpoint the best-checkpoint rule picks (a model id), with the rule in words; null when none qualifies. */
  best: z.object({ step: Count, modelId: z.string(), rule: z.string() }).nullable(),
  /** "quality dropped 35% (...)" when the last checkpoint failed the quality check, else null. */
  qualityDrop: z.string().nullable(),
  guard: z.array(GuardEvent)
})
export type TrainMetrics = z.infer<typeof TrainMetrics>
export const SampleProvenance = z.object({
  model: z.string(),
  modelLabel: z.string(),
  checkpoint: z.string(),
  step: Count,
  prompt: z.string(),
  seed: z.number().int(),
  sampler: SamplerName,
  steps: Count,
  guidance: z.number(),
  backend: z.string(),
  jobId: Id
})
export type SampleProvenance = z.infer<typeof SampleProvenance>
export const SampleResult = z.object({ imageId: Id, promptId: Id, provenance: SampleProvenance })
export type SampleResult = z.infer<typeof SampleResult>

// ---- Issue 4: the paper's 1-D mixture experiment (docs/methods/sandbox1d.md) — schemas ----

export const Sandbox1dVariant = z.enum(['diffusion', 'likelihood'])
export type Sandbox1dVariant = z.infer<typeof Sandbox1dVariant>
/** Steps are capped so one call (PopAlign + SFT, run in the serving process) stays within a few seconds. */
export const SANDBOX1D_MAX_STEPS = 3000
export const Sandbox1dSettings = z
  .object({
    beta: z.number().positive().max(1000).default(1),
    alpha: z.number().min(0).max(1).default(0.5),
    steps: z.number().int().min(1).max(SANDBOX1D_MAX_STEPS).default(2000),
    seed: z.number().int().min(0).max(2 ** 32 - 1).default(0),
    variant: Sandbox1dVariant.default('diffusion')
  })
  .strict()
export type Sandbox1dSettings = z.infer<typeof Sandbox1dSettings>
/** A fitted three-Gaussian mixture, components in the order G1 (−7), G2 (0), G3 (+7). */
export const Sandbox1dMixture = z.object({ weights: z.array(z.number()), means: z.array(z.number()), stds: z.array(z.number()) })
export type Sandbox1dMixture = z.infer<typeof Sandbox1dMixture>
export const Sandbox1dModel = z.object({
  /** Null when training diverged to non-finite parameters. */
  params: Sandbox1dMixture.nullable(),
  /** Density on the grid; null when diverged. */
  density: z.array(z.number()).nullable(),
  diverged: z.boolean(),
  collapsed: z.boolean(),
  /** Plain sentences naming each degeneracy (a weight gone to 0, a σ exploded or collapsed); empty when healthy. */
  flags: z.array(z.string()),
  finalLoss: z.number().nullable()
})
export const Sandbox1dCheck = z.object({
  method: z.enum(['popalign', 'sft']),
  /** What is measured, e.g. "|π1 − π3|". */
  quantity: z.string(),
  target: z.string(),
  value: z.number().nullable(),
  pass: z.boolean()
})
export type Sandbox1dCheck = z.infer<typeof Sandbox1dCheck>
export const Sandbox1dRun = z.object({
  settings: z.object({ beta: z.number(), alpha: z.number(), steps: z.number().int(), seed: z.number().int(), variant: Sandbox1dVariant, batch: z.number().int(), lr: z.number() }),
  grid: z.array(z.number()),
  reference: z.object({ params: Sandbox1dMixture, density: z.array(z.number()) }),
  popalign: Sandbox1dModel,
  sft: Sandbox1dModel,
  /** The paper's targets (stated for β = 1, α = 0.5, diffusion variant); `targetsApply` says whether these settings are that case. */
  checks: z.array(Sandbox1dCheck),
  targetsApply: z.boolean(),
  elapsedMs: z.number().nonnegative()
})
export type Sandbox1dRun = z.infer<typeof Sandbox1dRun>

// ---- Issue 4: preference snapshots and exports for external trainers — schemas ----
const RowCount = z.number().int().nonnegative()
export const SnapshotCounts = z.object({
  pairsInProject: RowCount,
  pairsJudged: RowCount,
  pairsUsed: RowCount,
  /** Per-image training rows: positiveRows (winning sets) + negativeRows (losing sets). */
  rows: RowCount,
  positiveRows: RowCount,
  negativeRows: RowCount,
  judgements: RowCount,
  undoneIgnored: RowCount,
  excluded: z.object({ tie: RowCount, cantJudge: RowCount, voteTie: RowCount, noNeutralPrompt: RowCount })
})
export type SnapshotCounts = z.infer<typeof SnapshotCounts>
export const PreferenceSnapshot = z.object({
  id: Id,
  projectId: Id,
  version: z.number().int().positive(),
  name: z.string(),
  criterion: Criterion,
  contentSha256: z.string().length(64),
  counts: SnapshotCounts,
  annotators: z.array(z.object({ id: Id, name: z.string(), kind: z.enum(['human', 'classifier']), judgements: RowCount })),
  /** The automatic judge's share, and which classifier versions saw its pairs' images. */
  classifier: z
    .object({ annotatorId: Id, judgements: RowCount, versions: z.array(z.object({ classifierId: z.string(), classifierVersion: z.string(), images: RowCount })) })
    .nullable(),
  adjudications: RowCount,
  createdAt: z.string()
})
export type PreferenceSnapshot = z.infer<typeof PreferenceSnapshot>
export const PreferenceSnapshotDetail = PreferenceSnapshot.extend({ judgementIds: z.array(Id), adjudicationIds: z.array(Id) })
export type PreferenceSnapshotDetail = z.infer<typeof PreferenceSnapshotDetail>
/** popalign_csv_safe: the same CSV with formula-like text cells guarded, for opening in a spreadsheet. */
export const ExportFormat = z.enum(['popalign_csv', 'popalign_csv_safe', 'pickapic_parquet', 'jsonl'])
export type ExportFormat = z.infer<typeof ExportFormat>

// ---- Issue 5: bias reports in the app (report jobs) — schemas ----

/** What a report compares: a model sampled on the report's prompts with its fixed seeds, or images already in the workspace. */
export const ReportSource = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('model'), model: ModelRef, label: Name.optional() }).strict(),
  /** Every image the project holds of the report's prompts (imported or sampled earlier). */
  z.object({ kind: z.literal('images'), label: Name.default('workspace images') }).strict()
])
export type ReportSource = z.infer<typeof ReportSource>
export const ReportFormat = z.enum(['html', 'pdf', 'json', 'csv'])
export type ReportFormat = z.infer<typeof ReportFormat>
export const ReportSummary = z.object({
  /** The id of the audit job that builds the report. */
  reportId: Id,
  projectId: Id,
  title: z.string(),
  state: JobState,
  done: z.number().int().nonnegative(),
  total: z.number().int().nonnegative(),
  message: z.string(),
  error: z.string().nullable(),
  sources: z.array(z.string()),
  prompts: z.number().int().nonnegative(),
  createdAt: z.string()
})
export type ReportSummary = z.infer<typeof ReportSummary>
/** The report JSON (shared/audit/report-model.ts); built by the core, so only its schema tag is checked here. */
export const AuditReportDoc = z.custom<AuditReport>((v) => typeof v === 'object' && v !== null && (v as { schema?: unknown }).schema === REPORT_SCHEMA, 'not an audit report')

// ---- Issue 4: preference fine-tuning runs (PopAlign / Diffusion-DPO / SFT) and run comparison — schemas ----
export const FinetuneMethodName = z.enum(['popalign', 'dpo', 'sft'])
export type FinetuneMethodName = z.infer<typeof FinetuneMethodName>
export const FinetunePresetName = z.enum(['paper-scaled', 'quick'])
export const FinetuneSettings = z
  .object({
    steps: z.number().int().min(1).max(1_000_000),
    /** Images per step; PopAlign and DPO stack batchSize/2 winner-loser pairs, so it must be even. */
    batchSize: z.number().int().min(2).max(512).refine((n) => n % 2 === 0, 'batchSize must be even (winner-loser pairs)'),
    learningRate: z.number().positive().lt(1),
    beta: z.number().positive().max(1e7),
    alpha: z.number().min(0).max(1),
    weighting: z.enum(['constant', 'debias']),
    condDropout: z.number().min(0).max(1),
    seed: z.number().int().min(0).max(2 ** 31 - 1),
    checkpointEvery: z.number().int().min(1).max(1_000_000),
    /** EMA of the weights with its own checkpoints ("run:N@S-ema"); 0 or absent = none. */
    emaDecay: z.number().min(0).lt(1).optional()
  })
  .strict()
export type FinetuneSettings = z.infer<typeof FinetuneSettings>
export const FinetunePreset = z.object({ name: FinetunePresetName, label: z.string(), description: z.string(), settings: FinetuneSettings })
export type FinetunePreset = z.infer<typeof FinetunePreset>
const FinetuneValue = z.number().nullable()
export const FinetunePoint = z.object({ step: Count, loss: z.number(), implicitAccuracy: FinetuneValue, rewardMargin: FinetuneValue, Z: FinetuneValue })
export type FinetunePoint = z.infer<typeof FinetunePoint>
export const FinetuneMetrics = TrainMetrics.extend({ method: FinetuneMethodName, finetunePoints: z.array(FinetunePoint) })
export type FinetuneMetrics = z.infer<typeof FinetuneMetrics>
export const RunSummary = z.object({
  jobId: Id,
  projectId: Id.nullable(),
  state: JobState,
  /** null: plain ε-MSE training on the built-in world. */
  method: FinetuneMethodName.nullable(),
  step: Count,
  totalSteps: Count,
  /** The model id the run started from ("scratch" for a new model). */
  init: z.string(),
  snapshotId: Id.nullable(),
  createdAt: z.string()
})
export type RunSummary = z.infer<typeof RunSummary>
export const RunFinal = z.object({
  step: Count,
  loss: FinetuneValue,
  implicitAccuracy: FinetuneValue,
  rewardMargin: FinetuneValue,
  Z: FinetuneValue,
  /** The final metrics are means over this many recorded points at the end of the curve. */
  points: Count
})
export const RunComparison = RunSummary.extend({
  /** From the immutable run record (run.json); null when the run never started. */
  config: z
    .object({
      steps: Count,
      batchSize: Count,
      learningRate: z.number(),
      beta: FinetuneValue,
      alpha: FinetuneValue,
      weighting: z.string(),
      condDropout: z.number(),
      seed: z.number().int(),
      schedule: z.string(),
      arch: z.string()
    })
    .nullable(),
  snapshotSha256: z.string().nullable(),
  baseCheckpoint: z.object({ model: z.string(), step: Count }).nullable(),
  backend: z.string().nullable(),
  codeVersion: z.string().nullable(),
  final: RunFinal
})
export type RunComparison = z.infer<typeof RunComparison>

/** A method: strict input schema, output schema, and the least scope allowed to call it. */
interface MethodSpec<I extends z.ZodType, O extends z.ZodType> {
  input: I
  output: O
  scope: Scope
}
function method<I extends z.ZodType, O extends z.ZodType>(input: I, output: O, scope: Scope = 'owner'): MethodSpec<I, O> {
  return { input, output, scope }
}
const none = z.object({}).strict()

export const contract = {
  'session.whoami': method(none, Session, 'annotate'),

  'projects.list': method(none, z.array(Project), 'annotate'),
  'projects.create': method(z.object({ name: Name, description: LongText.default('') }).strict(), Project),
  'projects.get': method(z.object({ projectId: Id }).strict(), Project, 'annotate'),

  'prompts.list': method(z.object({ projectId: Id }).strict(), z.array(Prompt), 'annotate'),
  'axes.list': method(z.object({ projectId: Id }).strict(), z.array(Axis), 'annotate'),
  'axes.save': method(
    z.object({ projectId: Id, name: Name, classes: z.array(Name).min(2).max(64), ideal: z.array(z.number().nonnegative()).max(64).nullable().default(null) }).strict(),
    Axis
  ),

  'images.list': method(
    z.object({ projectId: Id, promptId: Id.optional(), offset: z.number().int().nonnegative().default(0), limit: z.number().int().positive().max(5000).default(500) }).strict(),
    z.object({ total: z.number().int().nonnegative(), items: z.array(ImageSummary) }),
    'annotate'
  ),

  'import.start': method(z.object({ projectId: Id, folder: FsPath }).strict(), Job),
  'import.report': method(z.object({ jobId: Id }).strict(), ImportReport),

  'jobs.list': method(z.object({ projectId: Id.optional() }).strict(), z.array(Job)),
  'jobs.get': method(z.object({ jobId: Id }).strict(), Job),
  'jobs.cancel': method(z.object({ jobId: Id }).strict(), Job),

  'sets.list': method(z.object({ projectId: Id, promptId: Id.optional() }).strict(), z.array(ImageSet), 'annotate'),
  'sets.create': method(z.object({ projectId: Id, promptId: Id, imageIds: z.array(Id).min(1).max(64) }).strict(), ImageSet),
  'sets.createRandom': method(
    z.object({ projectId: Id, promptId: Id, k: z.number().int().min(1).max(64).default(5), count: z.number().int().min(1).max(1000).default(4), seed: z.number().int().optional() }).strict(),
    z.array(ImageSet)
  ),

  /** Pairs every two sets of the same prompt that are not yet paired; returns how many were created. */
  'pairs.createAll': method(z.object({ projectId: Id, promptId: Id.optional() }).strict(), z.object({ created: z.number().int().nonnegative() })),
  'pairs.list': method(z.object({ projectId: Id }).strict(), z.array(SetPair)),

  'label.next': method(z.object({ projectId: Id, criterion: Criterion.default('fairness') }).strict(), PairTask.nullable(), 'annotate'),
  'label.judge': method(
    z.object({
      pairId: Id,
      criterion: Criterion,
      choice: Choice,
      shownLeft: SetSide,
      responseMs: z.number().int().nonnegative().max(86_400_000),
      /** Client-made key: a retried decision is stored once. */
      idempotencyKey: z.string().min(8).max(100)
    }).strict(),
    z.object({ judgement: Judgement, progress: Progress }),
    'annotate'
  ),
  'label.undo': method(
    z
      .object({
        projectId: Id,
        criterion: Criterion.default('fairness'),
        /**
         * The decision to undo. With it, undo is idempotent: a retry after a lost answer finds it
         * already undone and undoes nothing else. Without it, the caller's latest live decision.
         */
        judgementId: Id.optional()
      })
      .strict(),
    z.object({ undone: Judgement.nullable(), progress: Progress }),
    'annotate'
  ),
  'label.progress': method(z.object({ projectId: Id, criterion: Criterion.default('fairness') }).strict(), Progress, 'annotate'),

  // ---- Issue 6: MCMC set refinement (paper App. B) ----
  'mcmc.start': method(
    z.object({
      projectId: Id,
      promptId: Id,
      size: z.number().int().min(1).max(64).default(5),
      judge: McmcJudge.default('human'),
      seed: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
      /** Which classifier's verdicts the automatic judge reads; the latest of any when left out. */
      classifierId: z.string().min(1).max(200).optional(),
      /** Where proposed images come from; 'sample' and 'mixed' need `sampling`. */
      proposals: McmcProposalSource.default('pool'),
      /** Where the N starting images come from; 'generate' samples them from `sampling`'s model. */
      start: McmcStart.default('pool'),
      sampling: z
        .object({
          model: ModelRef,
          steps: z.number().int().min(1).max(1000).default(20),
          sampler: SamplerName.default('ddim'),
          guidance: z.number().min(0).max(30).default(3)
        })
        .strict()
        .optional()
    })
      .strict()
      .refine((o) => o.proposals === 'pool' || o.sampling !== undefined, 'freshly sampled proposals need `sampling` (at least the model id)')
      .refine((o) => o.start === 'pool' || o.sampling !== undefined, 'a generated starting set needs `sampling` (at least the model id)'),
    McmcChain
  ),
  'mcmc.get': method(z.object({ chainId: Id, tally: z.boolean().default(false) }).strict(), McmcChain, 'annotate'),
  'mcmc.list': method(z.object({ projectId: Id }).strict(), z.array(McmcChain), 'annotate'),
  'mcmc.decide': method(
    z.object({
      chainId: Id,
      decision: McmcDecision,
      /** The step the judge saw; a decision for a step that has passed is refused, not applied twice. */
      step: z.number().int().nonnegative().optional(),
      idempotencyKey: z.string().min(8).max(100)
    }).strict(),
    McmcChain,
    'annotate'
  ),
  'mcmc.runAuto': method(
    z.object({ chainId: Id, maxSteps: z.number().int().min(1).max(10_000).default(100), stopAtEnd: z.boolean().default(false) }).strict(),
    z.object({ chain: McmcChain, decided: z.number().int().nonnegative(), needsHuman: z.boolean() })
  ),
  'mcmc.log': method(z.object({ chainId: Id }).strict(), z.array(McmcLogEntry), 'annotate'),
  /** Pairs a finished chain's set with another set of its prompt and records the owner's fairness decision for the chain's set. */
  'mcmc.makePair': method(
    z.object({ chainId: Id, loserSetId: Id, idempotencyKey: z.string().min(8).max(100) }).strict(),
    z.object({ pair: SetPair, judgement: Judgement })
  ),

  // ---- Issue 6: team annotation ----
  'team.createAnnotator': method(z.object({ name: Name }).strict(), TeamMember),
  'team.listAnnotators': method(none, z.array(TeamMember)),
  /** projectIds: the projects the invited annotator may label; their session reaches no other (issue 11, finding 6). */
  'team.invite': method(z.object({ annotatorId: Id, projectIds: z.array(Id).min(1).max(1000), ttlHours: z.number().positive().max(24 * 30).default(72) }).strict(), Invite),
  'team.revoke': method(
    z.object({ annotatorId: Id }).strict(),
    z.object({
      annotator: TeamMember,
      tokensRevoked: z.number().int().nonnegative(),
      invitesRevoked: z.number().int().nonnegative(),
      /** Assigned pairs they had not decided, released for the next team.route to hand to someone else. */
      assignmentsReleased: z.number().int().nonnegative().optional()
    })
  ),
  'team.listInvites': method(none, z.array(InviteInfo)),
  /** Revokes one open invite (a spent, expired or already revoked one is refused with its status). */
  'team.revokeInvite': method(z.object({ inviteId: Id }).strict(), InviteInfo),
  'team.classifierAgreement': method(z.object({ projectId: Id, criterion: Criterion.default('fairness') }).strict(), ClassifierAgreement),
  /** Routes every pair of the project to k annotators (incremental; switches routing on for the project). */
  'team.route': method(
    z.object({
      projectId: Id,
      k: z.number().int().min(1).max(50).default(3),
      annotatorIds: z.array(Id).min(1).max(500).optional(),
      seed: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional()
    }).strict(),
    z.object({ assigned: z.number().int().nonnegative(), pairs: z.number().int().nonnegative(), short: z.number().int().nonnegative() })
  ),
  'team.progress': method(z.object({ projectId: Id, criterion: Criterion.default('fairness') }).strict(), z.array(AnnotatorProgress)),
  'team.agreement': method(
    z.object({ projectId: Id, criterion: Criterion.default('fairness'), resamples: z.number().int().min(0).max(10_000).default(1000), seed: z.number().int().min(0).max(2 ** 32 - 1).default(1) }).strict(),
    Agreement
  ),
  'team.adjudicationQueue': method(z.object({ projectId: Id, criterion: Criterion.default('fairness') }).strict(), z.array(AdjudicationItem)),
  'team.adjudicate': method(
    z.object({ pairId: Id, criterion: Criterion, choice: Choice }).strict(),
    z.object({ pairId: Id, criterion: Criterion, choice: Choice, createdAt: z.string() })
  ),
  'team.biasCheck': method(z.object({ projectId: Id, criterion: Criterion.default('fairness') }).strict(), z.array(BiasReport)),
  'team.editTrail': method(z.object({ projectId: Id }).strict(), z.array(JudgementEdit)),
  /** The caller's own recent decisions, newest first: the ones label.edit may change. */
  'label.recent': method(
    z.object({ projectId: Id, criterion: Criterion.default('fairness'), limit: z.number().int().min(1).max(100).default(20) }).strict(),
    z.array(RecentJudgement),
    'annotate'
  ),
  'label.edit': method(z.object({ judgementId: Id, choice: Choice }).strict(), z.object({ judgement: Judgement, edited: z.boolean() }), 'annotate'),

  // ---- Issue 3: the diffusion engine in the app (train and sample jobs) ----
  'engine.info': method(none, EngineInfo),
  'models.list': method(none, z.array(ModelEntry)),
  'train.start': method(
    z.object({
      projectId: Id,
      config: TrainSettings.prefault({}),
      /** Start from scratch, or fine-tune a model / checkpoint (its architecture wins over `size`). */
      init: z.union([z.literal('scratch'), ModelRef]).default('scratch'),
      data: z.literal('world').default('world')
    }).strict(),
    Job
  ),
  'train.pause': method(z.object({ jobId: Id }).strict(), Job),
  'train.resume': method(z.object({ jobId: Id }).strict(), Job),
  'train.cancel': method(z.object({ jobId: Id }).strict(), Job),
  'train.metrics': method(z.object({ jobId: Id, maxPoints: z.number().int().min(10).max(5000).default(500) }).strict(), TrainMetrics),
  'sample.start': method(
    z.object({
      projectId: Id,
      model: ModelRef,
      prompts: z.array(z.string().trim().min(1).max(300)).min(1).max(64),
      seedStart: z.number().int().min(0).max(2 ** 32 - 1).default(0),
      count: z.number().int().min(1).max(256).default(4),
      steps: z.number().int().min(1).max(1000).default(50),
      sampler: SamplerName.default('ddim'),
      guidance: z.number().min(0).max(30).default(3)
    })
      .strict()
      .refine((o) => o.prompts.length * o.count <= 4096, 'prompts x count must be at most 4096 images')
      .refine((o) => o.seedStart + o.count - 1 <= 2 ** 32 - 1, 'seeds must stay below 2^32'),
    Job
  ),
  'sample.results': method(z.object({ jobId: Id }).strict(), z.array(SampleResult)),

  // ---- Issue 4: the paper's 1-D experiment (PopAlign vs SFT densities; CPU-bound, so owner only) ----
  'sandbox1d.run': method(Sandbox1dSettings, Sandbox1dRun),

  // ---- Issues 4 and 5: classification job (any ONNX classifier + mapping) and automated preference acquisition ----
  'classify.start': method(
    z.object({
      projectId: Id,
      promptId: Id.optional(),
      classifier: z.union([z.literal('builtin'), z.object({ onnxPath: FsPath.optional(), mappingPath: FsPath }).strict()]).default('builtin')
    }).strict(),
    Job
  ),
  'classify.summary': method(
    z.object({ projectId: Id }).strict(),
    z.array(
      z.object({
        classifierId: z.string(),
        classifierVersion: z.string(),
        counts: z.object({ ok: z.number().int(), no_detection: z.number().int(), low_confidence: z.number().int(), error: z.number().int() }),
        unclassified: z.number().int().nonnegative(),
        axes: z.array(z.object({ axis: z.string(), counts: z.array(z.object({ cls: z.string(), count: z.number().int() })) }))
      })
    )
  ),
  'acquire.start': method(
    z.object({
      projectId: Id,
      neutralPrompts: z.array(z.string().trim().min(1).max(300)).min(1).max(500),
      /** A checkpoint file, or a model id ('base'); the base model when both are left out. */
      checkpoint: FsPath.optional(),
      model: z.string().min(1).max(100).optional(),
      nPerNeutral: z.number().int().min(1).max(1000).optional(),
      mPerSpecific: z.number().int().min(1).max(1000).optional(),
      k: z.number().int().min(1).max(64).default(5),
      pairsPerPrompt: z.number().int().min(1).max(10_000).default(20),
      seed: z.number().int().min(0).max(2 ** 32 - 1).default(1),
      templates: z.array(z.string().min(1).max(500)).max(20).optional(),
      sampling: z.object({ sampler: z.enum(['ddim', 'ddpm']).optional(), steps: z.number().int().min(1).max(1000).optional(), guidance: z.number().min(0).max(30).optional() }).strict().optional(),
      classifier: z.union([z.literal('builtin'), z.object({ onnxPath: FsPath.optional(), mappingPath: FsPath }).strict()]).default('builtin')
    }).strict(),
    Job
  ),
  'acquire.ledger': method(
    z.object({ jobId: Id }).strict(),
    z.object({
      jobId: Id,
      counts: z.record(z.string(), z.number().int()),
      kept: z.object({ neutral: z.number().int(), augmented: z.number().int() }),
      pairs: z.number().int().nonnegative(),
      swapped: z.number().int().nonnegative(),
      drops: z.array(
        z.object({ stage: z.enum(['sample', 'gate', 'pairs']), reason: z.string(), detail: z.string(), imageId: Id.nullable(), promptId: Id.nullable(), prompt: z.string().nullable() })
      )
    })
  ),
  // ---- Issue 4: preference snapshots (immutable, versioned) and exports for external trainers ----
  'snapshots.create': method(
    z.object({ projectId: Id, criterion: Criterion.default('fairness'), name: Name.optional() }).strict(),
    PreferenceSnapshotDetail
  ),
  'snapshots.list': method(z.object({ projectId: Id }).strict(), z.array(PreferenceSnapshot)),
  'snapshots.get': method(z.object({ snapshotId: Id }).strict(), PreferenceSnapshotDetail),
  /** Streams a snapshot (or the project's current judgements) to `outPath` as a background job. */
  'export.start': method(
    z
      .object({
        snapshotId: Id.optional(),
        projectId: Id.optional(),
        criterion: Criterion.default('fairness'),
        format: ExportFormat,
        outPath: FsPath,
        overwrite: z.boolean().default(false)
      })
      .strict()
      .refine((o) => (o.snapshotId === undefined) !== (o.projectId === undefined), 'give exactly one of snapshotId or projectId'),
    Job
  ),

  // ---- Issue 5: bias reports in the app (report jobs) ----
  /** Starts an audit job (kind 'audit'): samples the model sources, classifies every image, builds the report. */
  'report.start': method(
    z
      .object({
        projectId: Id,
        title: z.string().trim().min(1).max(200).optional(),
        sources: z.array(ReportSource).min(1).max(8),
        prompts: z.array(z.string().trim().min(1).max(300)).min(1).max(64),
        /** Seeds seedStart .. seedStart + count - 1 for every prompt of every model source. */
        seedStart: z.number().int().min(0).max(2 ** 32 - 1).default(0),
        count: z.number().int().min(1).max(256).default(16),
        steps: z.number().int().min(1).max(1000).default(20),
        sampler: SamplerName.default('ddim'),
        guidance: z.number().min(0).max(30).default(3),
        /** A guidance sweep (replaces `guidance`): every model is sampled at each scale; each (model, scale) is one point of the report and its frontier. */
        guidances: z.array(z.number().min(0).max(30)).min(1).max(8).optional(),
        /** The built-in world classifier, or a foreign ONNX model with its mapping file (absolute paths; checked against the project's taxonomy). */
        classifier: z.union([z.literal('builtin'), z.object({ onnxPath: FsPath.optional(), mappingPath: FsPath }).strict()]).default('builtin'),
        resamples: z.number().int().min(1).max(10_000).default(1000)
      })
      .strict()
      .refine((o) => o.prompts.length * o.count <= 4096, 'prompts x count must be at most 4096 images per model')
      .refine((o) => o.sources.filter((s) => s.kind === 'model').length * (o.guidances?.length ?? 1) <= 16, 'models x guidance scales must be at most 16 sampled points')
      .refine((o) => o.seedStart + o.count - 1 <= 2 ** 32 - 1, 'seeds must stay below 2^32'),
    Job
  ),
  'report.list': method(z.object({ projectId: Id }).strict(), z.array(ReportSummary)),
  'report.get': method(z.object({ reportId: Id }).strict(), AuditReportDoc),
  /** Writes the report as one file; `outPath` must be absolute and its folder must exist. */
  'report.export': method(
    z.object({ reportId: Id, format: ReportFormat, outPath: FsPath, overwrite: z.boolean().default(false) }).strict(),
    z.object({ path: z.string(), bytes: z.number().int().nonnegative() })
  ),
  // ---- Issue 4: preference fine-tuning runs and their comparison (jobs of kind 'train'; pause/resume/cancel via train.*) ----
  'finetune.presets': method(none, z.array(FinetunePreset)),
  'finetune.start': method(
    z.object({
      projectId: Id,
      snapshotId: Id,
      /** The starting model, also the frozen reference: "base" or "run:<jobId>[@<step>]". */
      base: ModelRef,
      method: FinetuneMethodName,
      preset: FinetunePresetName.default('paper-scaled'),
      /** Overrides of the preset's settings. */
      settings: FinetuneSettings.partial().strict().default({})
    }).strict(),
    Job
  ),
  'finetune.metrics': method(z.object({ jobId: Id, maxPoints: z.number().int().min(10).max(5000).default(500) }).strict(), FinetuneMetrics),
  'runs.list': method(z.object({ projectId: Id.optional() }).strict(), z.array(RunSummary)),
  'runs.compare': method(z.object({ runIds: z.array(Id).min(1).max(12) }).strict(), z.array(RunComparison))
} as const

export type Contract = typeof contract
export type MethodName = keyof Contract
export type Input<M extends MethodName> = z.input<Contract[M]['input']>
export type ParsedInput<M extends MethodName> = z.output<Contract[M]['input']>
export type Output<M extends MethodName> = z.output<Contract[M]['output']>

export const methodNames = Object.keys(contract) as MethodName[]
export function isMethodName(name: string): name is MethodName {
  return Object.prototype.hasOwnProperty.call(contract, name)
}

export interface ApiError {
  code: 'bad_request' | 'not_found' | 'conflict' | 'forbidden' | 'unauthorized' | 'internal'
  message: string
}
export type Result<T> = { ok: true; value: T } | { ok: false; error: ApiError }

/** Server-pushed events, carried by IPC `webContents.send` and by the serve-mode WebSocket. */
export const events = {
  'job.progress': Job
} as const
export type EventName = keyof typeof events
export type EventPayload<E extends EventName> = z.infer<(typeof events)[E]>

/** Image bytes are fetched by id, never by path. */
export type ImageVariant = 'full' | 'thumb'
