// The training backends the worker loop (run.ts) can run a job on, behind one shape: tfjs (the
// reference and fallback, engine/train/trainer.ts) and onnxruntime-node (a loss-and-gradients ONNX
// graph with Adam in TypeScript, engine/onnx-train). Both read and write the same checkpoints, so a
// run can continue on either. Steps may be asynchronous (onnxruntime's are).
import { loadTf, describeBackend } from '../engine/tf/backend'
import type { DiTParams } from '../engine/model/dit-tf'
import type { StepMetrics } from './finetune/objective'
import type { FinetuneSpec } from './finetune/spec'
import type { TrainConfig } from '../engine/train/config'
import type { DataSource } from '../engine/train/data-source'
import { Trainer, type TrainState } from '../engine/train/trainer'
import type { TrainBackend } from '../engine/train/backend-name'
import { checkBackendProvider } from '../engine/train/backend-name'
export { parseTrainBackend, type TrainBackend } from '../engine/train/backend-name'
// Static imports: the engine worker's loader does not resolve extensionless dynamic imports.
import { openFinetune } from './finetune/worker'
import { OrtTrainer } from '../engine/onnx-train/trainer'
import { openOrtFinetune } from './finetune/ort-stepper'
import { describeOrtTraining } from '../engine/onnx-train/grad-session'
import { resolveProvider, type ExecutionProvider, type ProviderChoice } from '../engine/onnx/providers'

export interface RunTrainer {
  readonly config: TrainConfig
  readonly step: number
  readonly done: boolean
  readonly losses: number[]
  trainStep(): number | Promise<number>
  snapshot(): TrainState
  dispose(): void | Promise<void>
  /** How trainStep splits a step, in words, when it does (onnxruntime's CPU micro-batches); else null. */
  readonly stepSplit?: string | null
}

export interface RunStepper {
  step(): StepMetrics | Promise<StepMetrics>
  dispose(): void | Promise<void>
}

export interface TrainerFactory {
  /** "backend: …" line for the log and run.json, e.g. "tfjs wasm + kernel shim, 1 thread". */
  description: string
  /** Where the steps run: onnxruntime's execution provider, or 'cpu' for tfjs. */
  executionProvider: ExecutionProvider
  /** Why 'auto' passed over each GPU provider (empty for an explicit choice and for tfjs). */
  skipped: { name: ExecutionProvider; reason: string }[]
  open(config: TrainConfig, data: DataSource, from: { state?: TrainState; initialParams?: DiTParams }): Promise<RunTrainer>
  openFinetune(trainer: RunTrainer, spec: FinetuneSpec, initFrom: string | undefined): Promise<RunStepper>
}

/**
 * The backend a job trains on, with the execution provider resolved once for the whole run (an
 * explicit provider that cannot run here is refused in words, see onnx/providers.ts).
 */
export async function trainerFactory(backend: TrainBackend, provider: ProviderChoice = 'auto'): Promise<TrainerFactory> {
  if (backend === 'onnxruntime') {
    const resolved = await resolveProvider(provider)
    const ep = resolved.provider
    return {
      description: describeOrtTraining({ provider: ep }),
      executionProvider: ep,
      skipped: resolved.skipped,
      open: (config, data, from) => OrtTrainer.create(config, data, from, { provider: ep }),
      openFinetune: (trainer, spec, initFrom) => openOrtFinetune(trainer as OrtTrainer, spec, initFrom)
    }
  }
  checkBackendProvider('tfjs', provider)
  const { tf, info } = await loadTf()
  return {
    description: describeBackend(info),
    executionProvider: 'cpu',
    skipped: [],
    open: async (config, data, from) => new Trainer(tf, config, data, from),
    openFinetune: async (trainer, spec, initFrom) => openFinetune(tf, trainer as Trainer, spec, initFrom)
  }
}
