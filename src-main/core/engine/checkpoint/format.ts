// The checkpoint file format, version 1. Parsed, never evaluated; every size is checked against the
// file length before anything is allocated.
//
//   offset 0   8 bytes   magic "PALCKPT\0"
//          8   uint32 LE format version (1)
//         12   uint32 LE header length H in bytes
//         16   H bytes   UTF-8 JSON header (CheckpointHeader)
//     16 + H   0-3 bytes zero padding to a multiple of 4
//              tensor blobs: raw little-endian float32, in header.tensors order, back to back
//
// header.dataCrc32 is the CRC-32 of all blob bytes, so bit rot and partial writes are caught.
import { crc32 } from 'node:zlib'

export const CHECKPOINT_MAGIC = 'PALCKPT\0'
export const CHECKPOINT_VERSION = 1
const PREFIX = 16
const MAX_HEADER = 64 * 1024 * 1024
const MAX_TENSORS = 100_000

export interface TensorEntry {
  name: string
  shape: number[]
}

export interface CheckpointHeader {
  /** Free-form JSON the writer wants back (config, step, RNG state, optimiser layout, losses...). */
  meta: Record<string, unknown>
  tensors: TensorEntry[]
  dataCrc32: number
}

export interface CheckpointContents {
  meta: Record<string, unknown>
  tensors: Map<string, { shape: number[]; data: Float32Array }>
}

export class CheckpointError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'CheckpointError'
  }
}

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1

function elementCount(shape: number[]): number {
  return shape.reduce((a, b) => a * b, 1)
}

function blobBytes(data: Float32Array): Uint8Array {
  const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
  if (LITTLE_ENDIAN) return bytes
  const swapped = new Uint8Array(bytes.length)
  for (let i = 0; i < bytes.length; i += 4) {
    swapped[i] = bytes[i + 3]
    swapped[i + 1] = bytes[i + 2]
    swapped[i + 2] = bytes[i + 1]
    swapped[i + 3] = bytes[i]
  }
  return swapped
}

/** Serialises metadata and named float32 tensors into one buffer. */
export function encodeCheckpoint(meta: Record<string, unknown>, tensors: { name: string; shape: number[]; data: Float32Array }[]): Buffer {
  const entries: TensorEntry[] = []
  const blobs: Uint8Array[] = []
  const seen = new Set<string>()
  for (const t of tensors) {
    if (seen.has(t.name)) throw new CheckpointError(`checkpoint: duplicate tensor name ${t.name}`)
    seen.add(t.name)
    if (elementCount(t.shape) !== t.data.length) throw new CheckpointError(`checkpoint: tensor ${t.name} has ${t.data.length} values for shape [${t.shape}]`)
    entries.push({ name: t.name, shape: [...t.shape] })
    blobs.push(blobBytes(t.data))
  }
  let crc = 0
  for (const b of blobs) crc = crc32(b, crc)
  const header: CheckpointHeader = { meta, tensors: entries, dataCrc32: crc }
  const headerBytes = Buffer.from(JSON.stringify(header), 'utf8')
  const pad = (4 - (headerBytes.length % 4)) % 4
  const prefix = Buffer.alloc(PREFIX)
  prefix.write(CHECKPOINT_MAGIC, 0, 'latin1')
  prefix.writeUInt32LE(CHECKPOINT_VERSION, 8)
  prefix.writeUInt32LE(headerBytes.length, 12)
  return Buffer.concat([prefix, headerBytes, Buffer.alloc(pad), ...blobs])
}

function checkHeader(value: unknown): CheckpointHeader {
  if (typeof value !== 'object' || value === null) throw new CheckpointError('checkpoint is corrupt: header is not a JSON object')
  const h = value as Record<string, unknown>
  if (typeof h.meta !== 'object' || h.meta === null || Array.isArray(h.meta)) throw new CheckpointError('checkpoint is corrupt: header.meta must be an object')
  if (!Array.isArray(h.tensors) || h.tensors.length > MAX_TENSORS) throw new CheckpointError('checkpoint is corrupt: header.tensors must be a list')
  if (typeof h.dataCrc32 !== 'number' || !Number.isInteger(h.dataCrc32)) throw new CheckpointError('checkpoint is corrupt: header.dataCrc32 missing')
  const names = new Set<string>()
  for (const t of h.tensors as unknown[]) {
    const e = t as Record<string, unknown>
    if (typeof e?.name !== 'string' || e.name.length === 0 || e.name.length > 256) throw new CheckpointError('checkpoint is corrupt: a tensor entry has no valid name')
    if (names.has(e.name)) throw new CheckpointError(`checkpoint is corrupt: tensor ${e.name} appears twice`)
    names.add(e.name)
    if (!Array.isArray(e.shape) || e.shape.length > 8 || !e.shape.every((d) => Number.isInteger(d) && d >= 0 && d <= 2 ** 31)) {
      throw new CheckpointError(`checkpoint is corrupt: tensor ${e.name} has an invalid shape`)
    }
  }
  return h as unknown as CheckpointHeader
}

/** Parses and validates a checkpoint buffer; throws CheckpointError saying what is wrong. */
export function decodeCheckpoint(buf: Uint8Array, label = 'checkpoint'): CheckpointContents {
  const b = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength)
  if (b.length < PREFIX || b.toString('latin1', 0, 8) !== CHECKPOINT_MAGIC) {
    throw new CheckpointError(`${label} is not a PopAlign Studio checkpoint (wrong magic bytes; a foreign or damaged file)`)
  }
  const version = b.readUInt32LE(8)
  if (version !== CHECKPOINT_VERSION) {
    throw new CheckpointError(`${label} has format version ${version}; this build reads version ${CHECKPOINT_VERSION}${version > CHECKPOINT_VERSION ? ' (written by a newer PopAlign Studio)' : ''}`)
  }
  const headerLen = b.readUInt32LE(12)
  if (headerLen > MAX_HEADER || PREFIX + headerLen > b.length) throw new CheckpointError(`${label} is truncated: header of ${headerLen} bytes does not fit in ${b.length} bytes`)
  let parsed: unknown
  try {
    parsed = JSON.parse(b.toString('utf8', PREFIX, PREFIX + headerLen))
  } catch {
    throw new CheckpointError(`${label} is corrupt: its header is not valid JSON`)
  }
  const header = checkHeader(parsed)
  const dataStart = PREFIX + headerLen + ((4 - (headerLen % 4)) % 4)
  let expected = dataStart
  for (const t of header.tensors) expected += elementCount(t.shape) * 4
  if (b.length < expected) throw new CheckpointError(`${label} is truncated: ${b.length} bytes, the header describes ${expected}`)
  if (b.length > expected) throw new CheckpointError(`${label} is corrupt: ${b.length - expected} unexpected trailing bytes`)
  if (crc32(b.subarray(dataStart)) !== header.dataCrc32) throw new CheckpointError(`${label} is corrupt: tensor data checksum mismatch`)
  const tensors = new Map<string, { shape: number[]; data: Float32Array }>()
  let offset = dataStart
  for (const t of header.tensors) {
    const bytes = elementCount(t.shape) * 4
    // Copy into a fresh, aligned buffer (a Buffer from a file read may sit at any byte offset).
    const aligned = new Uint8Array(b.subarray(offset, offset + bytes))
    const data = LITTLE_ENDIAN ? new Float32Array(aligned.buffer) : new Float32Array(blobBytes(new Float32Array(aligned.buffer)).buffer)
    tensors.set(t.name, { shape: t.shape, data })
    offset += bytes
  }
  return { meta: header.meta, tensors }
}
