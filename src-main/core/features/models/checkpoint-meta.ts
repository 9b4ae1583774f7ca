// Reads only the JSON header of a checkpoint (format v1, engine/checkpoint/format.ts), so listing the
// models of a workspace does not read every weight file. Nothing here is trusted for use: sampling
// and fine-tuning load the whole file through loadCheckpoint, which checks everything.
import { closeSync, openSync, readSync, statSync } from 'node:fs'
import { CHECKPOINT_MAGIC, CHECKPOINT_VERSION } from '../../engine/checkpoint/format'
import { CHECKPOINT_KIND } from '../../engine/checkpoint/train-checkpoint'
import { parseTrainConfig, type TrainConfig } from '../../engine/train/config'

const PREFIX = 16
const MAX_HEADER = 64 * 1024 * 1024

export interface CheckpointMeta {
  config: TrainConfig
  step: number
}

const cache = new Map<string, { key: string; meta: CheckpointMeta }>()

function readExactly(fd: number, length: number, position: number): Buffer {
  const buf = Buffer.alloc(length)
  let off = 0
  while (off < length) {
    const n = readSync(fd, buf, off, length - off, position + off)
    if (n === 0) break
    off += n
  }
  return buf.subarray(0, off)
}

/** Config and step of a training checkpoint; throws an Error naming the file when it is not one. */
export function readCheckpointMeta(path: string): CheckpointMeta {
  const st = statSync(path)
  const key = `${st.size}:${st.mtimeMs}`
  const hit = cache.get(path)
  if (hit && hit.key === key) return hit.meta
  const fd = openSync(path, 'r')
  let header: unknown
  try {
    const prefix = readExactly(fd, PREFIX, 0)
    if (prefix.length < PREFIX || prefix.toString('latin1', 0, 8) !== CHECKPOINT_MAGIC) throw new Error(`${path} is not a PopAlign Studio checkpoint`)
    if (prefix.readUInt32LE(8) !== CHECKPOINT_VERSION) throw new Error(`${path} has format version ${prefix.readUInt32LE(8)}, this build reads ${CHECKPOINT_VERSION}`)
    const len = prefix.readUInt32LE(12)
    if (len > MAX_HEADER || PREFIX + len > st.size) throw new Error(`${path} is truncated`)
    header = JSON.parse(readExactly(fd, len, PREFIX).toString('utf8'))
  } finally {
    closeSync(fd)
  }
  const meta = (header as { meta?: Record<string, unknown> } | null)?.meta
  if (!meta || meta.kind !== CHECKPOINT_KIND) throw new Error(`${path} is not a training checkpoint`)
  const step = meta.step
  if (typeof step !== 'number' || !Number.isInteger(step) || step < 0) throw new Error(`${path} has an invalid step`)
  const result = { config: parseTrainConfig(meta.config), step }
  cache.set(path, { key, meta: result })
  return result
}
