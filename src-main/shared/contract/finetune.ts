// Preference fine-tuning runs (PopAlign / Diffusion-DPO / SFT) and the comparison of runs. Fine-tunes are
// jobs of kind 'train', so pause, resume and cancel go through train.*.
import { z } from 'zod'
import { Count, Id, method, none } from './common'
import { Job, JobState } from './jobs'
import { ModelRef } from './models'
import { ExecutionProviderChoice, TrainBackendName, TrainMetrics } from './train'

export const FinetuneMethodName = z.enum(['popalign', 'dpo', 'sft'])
export type FinetuneMethodName = z.infer<typeof FinetuneMethodName>
export const FinetunePresetName = z.enum(['paper-scaled', 'quick'])
export const FinetuneSettings = z
  .object({
    steps: z.number().int().min(1).max(1_000_000),
    /** Images per step; PopAlign and DPO stack batchSize/2 winner-loser pairs, so it must be even. */
    batchSize: z
      .number()
      .int()
      .min(2)
      .max(512)
      .refine((n) => n % 2 === 0, 'batchSize must be even (winner-loser pairs)'),
    learningRate: z.number().positive().lt(1),
    beta: z.number().positive().max(1e7),
    alpha: z.number().min(0).max(1),
    weighting: z.enum(['constant', 'debias']),
    condDropout: z.number().min(0).max(1),
    seed: z
      .number()
      .int()
      .min(0)
      .max(2 ** 31 - 1),
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
  /** Per-project run number and the name a person gave the run (null: "Run <number>"). */
  number: Count,
  name: z.string().nullable(),
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

export const finetuneMethods = {
  'finetune.presets': method(none, z.array(FinetunePreset)),
  'finetune.start': method(
    z
      .object({
        projectId: Id,
        snapshotId: Id,
        /** The starting model, also the frozen reference: "base" or "run:<jobId>[@<step>]". */
        base: ModelRef,
        method: FinetuneMethodName,
        preset: FinetunePresetName.default('paper-scaled'),
        /** Overrides of the preset's settings. */
        settings: FinetuneSettings.partial().strict().default({}),
        /** The engine, as on the Train screen: onnxruntime (default, tfjs its fallback) or tfjs (the reference), and where onnxruntime runs. */
        backend: TrainBackendName.default('onnxruntime'),
        provider: ExecutionProviderChoice.default('auto')
      })
      .strict(),
    Job
  ),
  'finetune.metrics': method(z.object({ jobId: Id, maxPoints: z.number().int().min(10).max(5000).default(500) }).strict(), FinetuneMetrics),
  'runs.list': method(z.object({ projectId: Id.optional() }).strict(), z.array(RunSummary)),
  'runs.compare': method(z.object({ runIds: z.array(Id).min(1).max(12) }).strict(), z.array(RunComparison))
} as const
