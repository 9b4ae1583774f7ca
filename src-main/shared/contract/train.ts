// Training a diffusion model on the built-in world: settings, pause/resume/cancel, loss curve and quality checks.
import { z } from 'zod'
import { Count, Id, method } from './common'
import { Job, JobState } from './jobs'
import { LossWeightingName, ModelRef, ModelSize, ScheduleName } from './models'

export const TrainSettings = z
  .object({
    size: ModelSize.default('tiny'),
    steps: z.number().int().min(1).max(1_000_000).default(200),
    batchSize: z.number().int().min(1).max(1024).default(16),
    learningRate: z.number().positive().lt(1).default(1e-3),
    weighting: LossWeightingName.default('constant'),
    schedule: ScheduleName.default('cosine'),
    seed: z
      .number()
      .int()
      .min(0)
      .max(2 ** 31 - 1)
      .default(1),
    condDropout: z.number().min(0).max(1).default(0.1),
    checkpointEvery: z.number().int().min(1).max(1_000_000).default(50),
    /** EMA of the weights with its own checkpoints (sample them as "run:N@S-ema"); 0 = none. */
    emaDecay: z.number().min(0).lt(1).default(0)
  })
  .strict()
export type TrainSettings = z.infer<typeof TrainSettings>
/**
 * The engine a run trains on: onnxruntime (the default: a loss-and-gradients ONNX graph, several times
 * faster on CPU; tfjs takes over when onnxruntime cannot start) or tfjs (the reference). Checkpoints are
 * the same; run.json and the metrics name the one used, and a fallback with its reason.
 */
export const TrainBackendName = z.enum(['tfjs', 'onnxruntime'])
export type TrainBackendName = z.infer<typeof TrainBackendName>
/**
 * Where onnxruntime runs the steps: 'auto' takes CUDA, DirectML or CoreML where the onnxruntime-node
 * install has it, else the CPU; a named provider the install lacks is refused with the reason.
 */
export const ExecutionProviderChoice = z.enum(['auto', 'cuda', 'dml', 'coreml', 'cpu'])
export type ExecutionProviderChoice = z.infer<typeof ExecutionProviderChoice>
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

export const trainMethods = {
  'train.start': method(
    z
      .object({
        projectId: Id,
        config: TrainSettings.prefault({}),
        /** Start from scratch, or fine-tune a model / checkpoint (its architecture wins over `size`). */
        init: z.union([z.literal('scratch'), ModelRef]).default('scratch'),
        data: z.literal('world').default('world'),
        backend: TrainBackendName.default('onnxruntime'),
        provider: ExecutionProviderChoice.default('auto')
      })
      .strict(),
    Job
  ),
  'train.pause': method(z.object({ jobId: Id }).strict(), Job),
  'train.resume': method(z.object({ jobId: Id }).strict(), Job),
  'train.cancel': method(z.object({ jobId: Id }).strict(), Job),
  'train.metrics': method(z.object({ jobId: Id, maxPoints: z.number().int().min(10).max(5000).default(500) }).strict(), TrainMetrics)
} as const
