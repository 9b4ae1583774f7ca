// The immutable record of a training run, <run>/run.json: written once when the run first starts
// (complete or not at all, and exclusive, so nothing can overwrite it) and read back on every resume,
// which refuses to continue a run whose folder holds a different config.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { writeFileAtomicSync } from '../../fs/atomic-write'
import type { TrainConfig } from '../../engine/train/config'
import type { FinetuneObjective } from '../../training/finetune/spec'

export const RUN_RECORD_FILE = 'run.json'

export interface RunRecord {
  jobId: number
  projectId: number | null
  config: TrainConfig
  seed: number
  /** "scratch" or the model id and checkpoint file fine-tuning started from. */
  init: { model: 'scratch' } | { model: string; checkpoint: string; step: number }
  data: { source: 'world'; options: Record<string, unknown> } | RunSnapshotData
  /** Preference fine-tuning runs: the method and its hyperparameters, and the preset they started from. */
  finetune?: FinetuneObjective & { preset: string }
  /** The training backend as the worker reported it on the run's first start. */
  backend: string
  /** Where its steps ran: onnxruntime's execution provider ('cuda', 'dml', 'coreml', 'cpu'); 'cpu' for tfjs. Absent in records written before it was recorded. */
  executionProvider?: string
  codeVersion: string
  platform: string
  createdAt: string
}

/** A fine-tuning run's data: a preference snapshot, pinned by its content hash. */
export interface RunSnapshotData {
  source: 'snapshot'
  snapshotId: number
  contentSha256: string
  /** Training images and winner-loser image pairs the run drew from. */
  images: number
  pairs: number
}

/** The run's record, or null before its first start; a damaged record is an error, never "missing". */
export function readRunRecord(runDir: string): RunRecord | null {
  const file = join(runDir, RUN_RECORD_FILE)
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null
    throw err
  }
  let record: unknown
  try {
    record = JSON.parse(text)
  } catch (err) {
    throw new Error(`the run record ${file} is damaged (${(err as Error).message}); the run's identity cannot be checked`)
  }
  if (typeof record !== 'object' || record === null || !('config' in record) || !('data' in record)) {
    throw new Error(`the run record ${file} is damaged (no config or data); the run's identity cannot be checked`)
  }
  return record as RunRecord
}

/** Writes run.json unless it exists; returns the record now on disk. */
export function writeRunRecordOnce(runDir: string, record: RunRecord): RunRecord {
  try {
    writeFileAtomicSync(join(runDir, RUN_RECORD_FILE), new TextEncoder().encode(JSON.stringify(record, null, 2) + '\n'), { exclusive: true, durable: true })
    return record
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
    return readRunRecord(runDir) ?? record
  }
}
