// The diffusion models the studio knows (the shipped base model and run checkpoints) and the engine's backends.
import { z } from 'zod'
import { Count, Id, method, none } from './common'

export const LossWeightingName = z.enum(['constant', 'debias', 'min_snr', 'p2'])
export const ScheduleName = z.enum(['linear', 'cosine'])
/** Architecture presets of the built-in DiT (16x16 world images). */
export const ModelSize = z.enum(['tiny', 'small', 'base'])
export type ModelSize = z.infer<typeof ModelSize>
export const SamplerName = z.enum(['ddpm', 'ddim'])
/** What the Sample screen may ask for: the DiT's samplers, and Euler / Euler ancestral for Stable Diffusion folders. */
export const ImageSamplerName = z.enum(['ddpm', 'ddim', 'euler', 'euler-ancestral'])
export type ImageSamplerName = z.infer<typeof ImageSamplerName>
/** A model by id, never by path: "base" (the shipped model) or "run:<jobId>" / "run:<jobId>@<step>" (newest checkpoint when no step). */
export const ModelRef = z.string().regex(/^(base|run:[1-9][0-9]{0,15}(@[0-9]{1,12}(-ema)?)?)$/, 'a model id: "base" or "run:<jobId>[@<step>[-ema]]"')
/**
 * A model a sample or report job can draw images from: a catalogue model, or a Stable Diffusion ONNX export
 * in the workspace's models/ folder ("sd:<folder name>"). Training and fine-tuning take ModelRef only.
 */
export const SampleModelRef = z
  .string()
  .regex(/^(base|run:[1-9][0-9]{0,15}(@[0-9]{1,12}(-ema)?)?|sd:[A-Za-z0-9][A-Za-z0-9._-]{0,99})$/, 'a model id: "base", "run:<jobId>[@<step>[-ema]]" or "sd:<folder in models/>"')
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
  }),
  /** onnxruntime's execution providers on this install (engine/onnx/providers.ts). */
  providers: z.object({
    /** The one 'auto' runs every onnxruntime session on ('cuda', 'dml', 'coreml' or 'cpu'), and its label. */
    auto: z.string(),
    autoLabel: z.string(),
    /** The default training engine on that provider, e.g. "onnxruntime-node 1.30.0 (CPU, 2 threads, basic optimisation)". */
    trainingDescription: z.string(),
    list: z.array(
      z.object({
        name: z.enum(['cuda', 'dml', 'coreml', 'cpu']),
        label: z.string(),
        /** Whether it can be chosen; `reason` says why not (not in this build, files not installed, could not start). */
        usable: z.boolean(),
        reason: z.string().nullable()
      })
    )
  })
})
export type EngineInfo = z.infer<typeof EngineInfo>
export const ModelArch = z.object({ imageSize: Count, patch: Count, width: Count, depth: Count, heads: Count })
export const ModelEntry = z.object({
  id: z.string(),
  label: z.string(),
  /** 'folder': a Stable Diffusion ONNX export in <workspace>/models/ (sampled, never trained here). */
  source: z.enum(['builtin', 'run', 'folder']),
  /** The training job that wrote it (run checkpoints). */
  jobId: Id.nullable(),
  /** The project that job belongs to (models.list fills it for runs), so lists can put the current project's runs first. */
  projectId: Id.nullable().optional(),
  /** A fine-tune's objective ('popalign', 'dpo' or 'sft'; models.list fills it for runs); null: plain training or not a run. */
  method: z.string().nullable().optional(),
  step: Count,
  totalSteps: Count,
  arch: ModelArch,
  weighting: z.string(),
  schedule: z.string(),
  seed: z.number().int(),
  path: z.string()
})
export type ModelEntry = z.infer<typeof ModelEntry>

export const modelMethods = {
  'engine.info': method(none, EngineInfo),
  /** The catalogue; `folders` adds the Stable Diffusion folders of <workspace>/models (for the screens that sample: Sample, Reports). */
  'models.list': method(z.object({ folders: z.boolean().default(false) }).strict(), z.array(ModelEntry))
} as const
