// A snapshot's training rows as pixels at the model's size. Workspace images are immutable files
// (stored by content hash), so a decoded image is cached in memory by path and size: a second run on
// the same snapshot, or a resume, does not decode again. Sampled PNGs are nearest-upscaled renders,
// which 'area' resizing by their integer factor returns exactly.
import { readFile } from 'node:fs/promises'
import { decodeForClassifier } from '../../classifier/decode'
import type { DiTConfig } from '../../engine/model/dit-spec'
import type { SnapshotRow } from '../preference-data/snapshots/service'
import type { PreferenceImage } from '../../training/finetune/spec'

/** Bounded by bytes, not entries, so larger models' images cannot grow it past this. Oldest go first. */
const MAX_CACHED_BYTES = 256 * 1024 * 1024
const cache = new Map<string, Float32Array>()
let cachedBytes = 0

async function decodeOne(row: SnapshotRow, model: DiTConfig): Promise<Float32Array> {
  const key = `${model.imageSize}:${row.filePath}`
  const hit = cache.get(key)
  if (hit) return hit
  let bytes: Buffer
  try {
    bytes = await readFile(row.filePath)
  } catch (err) {
    throw new Error(`fine-tune: image ${row.imageId} of the snapshot cannot be read (${row.filePath}): ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`)
  }
  let pixels: Float32Array
  try {
    pixels = await decodeForClassifier(bytes, { name: 'x', width: model.imageSize, height: model.imageSize, channels: 3, layout: 'NHWC', range: [-1, 1], resize: 'area' })
  } catch (err) {
    throw new Error(`fine-tune: image ${row.imageId} of the snapshot (${row.filePath}): ${(err as Error).message}`)
  }
  while (cache.size > 0 && cachedBytes + pixels.byteLength > MAX_CACHED_BYTES) {
    const [oldest, value] = cache.entries().next().value!
    cache.delete(oldest)
    cachedBytes -= value.byteLength
  }
  cache.set(key, pixels)
  cachedBytes += pixels.byteLength
  return pixels
}

export async function decodeSnapshotImages(rows: readonly SnapshotRow[], model: DiTConfig): Promise<PreferenceImage[]> {
  if (model.channels !== 3) throw new Error(`fine-tune: the model has ${model.channels} channels; snapshot images are RGB`)
  const out: PreferenceImage[] = []
  for (const row of rows) out.push({ pixels: await decodeOne(row, model), caption: row.caption, label: row.label, pairId: row.pairId })
  return out
}
