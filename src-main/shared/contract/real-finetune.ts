// Fine-tuning real diffusers models with the managed PyTorch trainer (issue 14): the trainer's Python
// environment (status, probe, install), starting a run here or on a Slurm cluster, and its curves with
// the run's lineage. Runs are jobs of kind 'train', so pause, resume and cancel go through train.*.
import { z } from 'zod'
import { Count, FsPath, Id, method } from './common'
import { FinetunePoint } from './finetune'
import { Job } from './jobs'
import { TrainMetrics } from './train'

export const PythonEnvState = z.enum(['ready', 'not-installed', 'outdated', 'no-python', 'installing', 'failed'])
export type PythonEnvState = z.infer<typeof PythonEnvState>
export const PythonProbe = z.object({
  python: z.string(),
  torch: z.string().nullable(),
  /** CUDA version when a CUDA device is usable, else null. */
  cuda: z.string().nullable(),
  gpus: z.array(z.object({ name: z.string(), freeBytes: z.number(), totalBytes: z.number() })),
  memory: z.object({ freeBytes: z.number(), totalBytes: z.number() }).nullable(),
  /** The deepspeed package's version where it is importable (optional; the studio never installs it), else null. */
  deepspeed: z.string().nullable(),
  /** One line: "Python 3.11.7 · torch 2.13.0+cpu · CPU only · 20.1 GiB RAM free". */
  summary: z.string()
})
export type PythonProbe = z.infer<typeof PythonProbe>
export const PythonEnvStatus = z.object({
  state: PythonEnvState,
  envDir: z.string(),
  /** What is missing or went wrong, in words; null when ready. */
  reason: z.string().nullable(),
  /** While installing: the installer's phase and packages resolved so far. */
  install: z.object({ message: z.string(), done: Count, total: Count }).nullable(),
  /** What the environment holds (only when asked for and ready). */
  probe: PythonProbe.nullable(),
  /** Whether sbatch is on this machine's PATH (runs can then be submitted to Slurm from here). */
  sbatch: z.boolean()
})
export type PythonEnvStatus = z.infer<typeof PythonEnvStatus>

/** Trainer settings as the screen sends them; the core checks each field and names the first bad one. */
export const RealSettingsInput = z
  .object({
    method: z.enum(['popalign', 'dpo', 'sft']),
    beta: z.number(),
    alpha: z.number(),
    weighting: z.enum(['constant', 'debias', 'min_snr']),
    captionDropout: z.number(),
    steps: z.number(),
    pairsPerStep: z.number(),
    learningRate: z.number(),
    warmupSteps: z.number(),
    seed: z.number(),
    loraRank: z.number().nullable(),
    loraLayers: z.enum(['attention', 'all']),
    resolution: z.number(),
    mixedPrecision: z.enum(['no', 'fp16', 'bf16']),
    gradientCheckpointing: z.boolean(),
    checkpointEvery: z.number(),
    processes: z.number(),
    cpu: z.boolean(),
    /** DeepSpeed ZeRO stage (1 or 2) where the deepspeed package is installed; null: plain data parallel. */
    deepspeedStage: z.number().nullable()
  })
  .partial()
  .strict()
export const SlurmSettingsInput = z
  .object({
    partition: z.string().nullable(),
    account: z.string().nullable(),
    nodes: z.number(),
    gpusPerNode: z.number(),
    cpusPerTask: z.number(),
    timeLimit: z.string(),
    sweepBetas: z.array(z.number()).nullable(),
    envDir: z.string().nullable(),
    sourceDir: z.string().nullable(),
    mainPort: z.number()
  })
  .partial()
  .strict()

export const RealRunLineage = z.object({
  /** The command the studio ran (accelerate launch …, or sbatch … for a cluster). */
  command: z.array(z.string()),
  versions: z.record(z.string(), z.string().nullable()),
  device: z.string().nullable(),
  worldSize: z.number().nullable(),
  modelDir: z.string(),
  snapshotSha256: z.string(),
  dataSha256: z.string().nullable(),
  slurmJobId: z.string().nullable()
})
export const RealMetrics = TrainMetrics.extend({
  method: z.enum(['popalign', 'dpo', 'sft']),
  modelDir: z.string(),
  finetunePoints: z.array(FinetunePoint),
  /** Written when the trainer has started; null before. */
  lineage: RealRunLineage.nullable(),
  /** A Slurm β sweep: each array task's β and curve (task 0's curve is also finetunePoints). */
  tasks: z.array(z.object({ task: Count, beta: z.number(), points: z.array(FinetunePoint) })),
  /** Where the trained LoRA or UNet is, once the run is done. */
  result: z.object({ kind: z.string(), path: z.string() }).nullable(),
  /** A Slurm run on a computer without sbatch: its files were written, not submitted; what to copy and type. */
  written: z
    .object({
      runDir: z.string(),
      files: z.array(z.object({ label: z.string(), path: z.string() })),
      submit: z.string(),
      launch: z.string(),
      note: z.string()
    })
    .nullable()
})
export type RealMetrics = z.infer<typeof RealMetrics>

/** One set of images sampled from a finished real-model fine-tune (a job of kind 'sample'), with the images it brought into the project. */
export const RealSampleSet = z.object({
  job: Job,
  runJobId: Id,
  prompts: z.array(z.string()),
  seeds: z.array(z.number()),
  steps: z.number(),
  guidance: z.number(),
  /** Filled once the folder import has run; an image already in the project is listed with its existing id. */
  images: z.array(z.object({ imageId: Id, seed: z.number().nullable(), prompt: z.string() }))
})
export type RealSampleSet = z.infer<typeof RealSampleSet>

export const realFinetuneMethods = {
  'python.status': method(z.object({ probe: z.boolean().default(false) }).strict(), PythonEnvStatus),
  /** Starts installing the trainer environment (if needed) in the background; follow it with python.status. */
  'python.install': method(z.object({}).strict(), PythonEnvStatus),
  'train.startReal': method(
    z
      .object({
        projectId: Id,
        /** A diffusers model folder (model_index.json, unet/, vae/, text_encoder/, tokenizer/, scheduler/). */
        modelDir: FsPath,
        snapshotId: Id,
        settings: RealSettingsInput.default({}),
        /** Submit to Slurm with these settings instead of running here. */
        slurm: SlurmSettingsInput.nullable().default(null)
      })
      .strict(),
    Job
  ),
  /** The project's real-model fine-tunes, newest first (the screen shows the newest again when reopened). */
  'train.realRuns': method(z.object({ projectId: Id }).strict(), z.array(Job)),
  'train.realMetrics': method(z.object({ jobId: Id, maxPoints: z.number().int().min(10).max(5000).default(500) }).strict(), RealMetrics),
  /**
   * Samples a finished real-model fine-tune (jobId) with its trained weights, in the trainer's environment, for
   * the prompts and seeds given, and brings the images into the project with the run's provenance: a job of kind
   * 'sample' (follow it with jobs.get, stop it with jobs.cancel); its images are listed by train.realSamples.
   */
  'train.sampleReal': method(
    z
      .object({
        projectId: Id,
        jobId: Id,
        prompts: z.array(z.string().trim().min(1).max(300)).min(1).max(16),
        seeds: z
          .array(
            z
              .number()
              .int()
              .min(0)
              .max(2 ** 32 - 1)
          )
          .min(1)
          .max(16),
        steps: z.number().int().min(1).max(200).default(20),
        guidance: z.number().min(0).max(30).default(7.5)
      })
      .strict()
      .refine((o) => o.prompts.length * o.seeds.length <= 64, 'prompts x seeds must be at most 64 images'),
    Job
  ),
  /** The sample sets of a real-model fine-tune, newest first. */
  'train.realSamples': method(z.object({ jobId: Id }).strict(), z.array(RealSampleSet))
} as const
