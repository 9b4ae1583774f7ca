// Messages between the training host (main process / CLI) and the engine worker thread.
// Plain JSON-compatible objects only: they cross a structured-clone boundary.
import type { FinetuneSpec } from './finetune/spec'
import type { WindowMeans } from './finetune/window'
import type { TrainConfig } from '../engine/train/config'
import type { DivergencePolicy } from '../engine/train/divergence'
import type { TrainBackend } from '../engine/train/backend-name'
import type { ExecutionProvider, ProviderChoice } from '../engine/onnx/providers'

/** How the worker builds its data source: a module exporting `createDataSource(options, model)`. */
export interface DataSpec {
  /** 'toy' for the built-in test set, or an absolute module path / package name. */
  module: string
  options?: unknown
}

export interface TrainJob {
  config: TrainConfig
  /** Checkpoints are written here as step-NNNNNNNNN.ckpt. */
  runDir: string
  data: DataSpec
  /** Continue from the newest checkpoint in runDir when there is one. */
  resume: boolean
  /** Optional starting weights (a base model checkpoint) for a fresh run. */
  initFrom?: string
  /** Minimum milliseconds between progress messages (default 250, i.e. <= 4/s). */
  progressIntervalMs?: number
  /**
   * Preference fine-tuning (PopAlign / Diffusion-DPO / SFT) instead of plain ε-MSE training: the
   * method, its hyperparameters and the decoded snapshot images (typed arrays survive the structured
   * clone). Needs initFrom, which is also the frozen reference.
   */
  finetune?: FinetuneSpec
  /** What a diverging loss does (divergence.ts): roll back with a lower learning rate (default) or stop. */
  onDivergence?: DivergencePolicy
  /**
   * 'tfjs' (default: the reference engine) or 'onnxruntime' (a loss-and-gradients graph on
   * onnxruntime-node, engine/onnx-train). Checkpoints are the same, so a run may switch on resume.
   */
  backend?: TrainBackend
  /** onnxruntime's execution provider (engine/onnx/providers.ts): 'auto' (default) or a named one. */
  provider?: ProviderChoice
}

export type HostMessage = { type: 'start'; job: TrainJob } | { type: 'pause' } | { type: 'resume' } | { type: 'cancel' }

export interface Progress {
  step: number
  totalSteps: number
  loss: number
  /** Steps per second over the recent window. */
  itPerSec: number
  etaSeconds: number
  /** Fine-tuning only: means of the preference metrics over the steps since the last report. */
  preference?: WindowMeans
}

export type WorkerMessage =
  | { type: 'log'; level: 'info' | 'warn'; message: string }
  /** Once per start, before the first step: what the run trains on (run.json records it). */
  | { type: 'backend'; description: string; executionProvider: ExecutionProvider }
  | ({ type: 'progress' } & Progress)
  /** `averaged`: the file holds the EMA of the weights (store.ts saveEmaCheckpoint), for sampling only. */
  | { type: 'checkpoint'; step: number; path: string; averaged?: boolean }
  | { type: 'paused'; step: number }
  | { type: 'resumed'; step: number }
  /**
   * The divergence guard acted: 'rollback' went back to step `toStep` with `learningRate`; 'stop'
   * ended the run (its last good checkpoint is at `toStep`).
   */
  | { type: 'guard'; action: 'rollback' | 'stop'; step: number; toStep: number; reason: string; learningRate: number }
  | { type: 'done'; step: number; cancelled: boolean; checkpoint: string | null; losses: number[]; stopped?: string }
  | { type: 'error'; message: string }

export function isHostMessage(m: unknown): m is HostMessage {
  const t = (m as { type?: unknown } | null)?.type
  return t === 'start' || t === 'pause' || t === 'resume' || t === 'cancel'
}
