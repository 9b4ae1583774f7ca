// The immutable record of a training run, <run>/run.json: written once when the run first starts
// (exclusive create, so nothing can overwrite it) and read back on every resume, which refuses to
// continue a run whose folder holds a different config.
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { TrainConfig } from '../engine/train/config'
import type { FinetuneObjective } from '../finetune/spec'

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

export function readRunRecord(runDir: string): RunRecord | null {
  try {
    return JSON.parse(readFileSync(join(runDir, RUN_RECORD_FILE), 'utf8')) as RunRecord
  } catch {
    return null
  }
}

/** Writes run.json unless it exists (flag wx); returns the record now on disk. */
export function writeRunRecordOnce(runDir: string, record: RunRecord): RunRecord {
  try {
    writeFileSync(join(runDir, RUN_RECORD_FILE), JSON.stringify(record, null, 2) + '\n', { flag: 'wx', mode: 0o644 })
    return record
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
    return readRunRecord(runDir) ?? record
  }
}
