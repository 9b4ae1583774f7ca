// The names of the training backends (training/backends.ts), in a module of their own so that the
// main process can validate a job's choice without loading either engine.
export const TRAIN_BACKENDS = ['tfjs', 'onnxruntime'] as const
export type TrainBackend = (typeof TRAIN_BACKENDS)[number]

/** Absent means tfjs, the reference engine; anything else unknown is refused by name. */
export function parseTrainBackend(v: unknown): TrainBackend {
  if (v === undefined) return 'tfjs'
  if (typeof v === 'string' && (TRAIN_BACKENDS as readonly string[]).includes(v)) return v as TrainBackend
  throw new Error(`training backend must be one of ${TRAIN_BACKENDS.join(', ')}, got ${JSON.stringify(v)}`)
}
