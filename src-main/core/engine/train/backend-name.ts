// The names of the training backends (training/backends.ts), in a module of their own so that the
// main process can validate a job's choice without loading either engine.
import { checkProviderChoice, providerLabel, ProviderUnavailableError, type ProviderChoice } from '../onnx/providers'

export const TRAIN_BACKENDS = ['tfjs', 'onnxruntime'] as const
export type TrainBackend = (typeof TRAIN_BACKENDS)[number]
/**
 * What a new run trains on unless told otherwise: onnxruntime, since its gradients match tfjs's (float64
 * and float32 checks, test/engine/onnx-train) and its loss curve follows tfjs's within noise at 2.5-3x
 * the speed (docs/engine-speed.md); tfjs is the reference and takes over when onnxruntime cannot start.
 */
export const DEFAULT_TRAIN_BACKEND: TrainBackend = 'onnxruntime'

/** Absent means tfjs: a job payload without the field was queued before the choice existed, on tfjs. Anything else unknown is refused by name. */
export function parseTrainBackend(v: unknown): TrainBackend {
  if (v === undefined) return 'tfjs'
  if (typeof v === 'string' && (TRAIN_BACKENDS as readonly string[]).includes(v)) return v as TrainBackend
  throw new Error(`training backend must be one of ${TRAIN_BACKENDS.join(', ')}, got ${JSON.stringify(v)}`)
}

/**
 * Refuses, in words, a provider the backend cannot run on: tfjs trains on the CPU only, and
 * onnxruntime only on a provider this install has (a session is tried when the run starts).
 */
export function checkBackendProvider(backend: TrainBackend, provider: ProviderChoice): void {
  if (backend === 'onnxruntime') return checkProviderChoice(provider)
  if (provider === 'auto' || provider === 'cpu') return
  throw new ProviderUnavailableError(`The ${providerLabel(provider)} execution provider is for the onnxruntime engine; tfjs trains on the CPU. Choose the onnxruntime engine, or Auto or CPU.`)
}
