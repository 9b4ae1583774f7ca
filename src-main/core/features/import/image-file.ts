// Reads one image file exactly once, then hashes, checks and thumbnails it from that one buffer.
// The full decode happens only once, inside the thumbnail step (JPEG shrink-on-load keeps it
// cheap), and it is also what proves the file is not truncated or corrupt.
import { createHash } from 'node:crypto'
import { access, readdir, unlink } from 'node:fs/promises'
import path from 'node:path'
import sharp, { type Metadata } from 'sharp'
import { writeFileAtomic } from '../../fs/atomic-write'
import { FileRefusedError, readRegularFile } from '../../fs/read-regular'
import { IMPORT_IMAGE_FORMATS, THUMB_SIZE, type ImportLimits } from './limits'

/** A file that cannot be imported; `message` is the reason shown in the import report. */
export class ImageRejectedError extends Error {
  override readonly name = 'ImageRejectedError'
}

export interface LoadedImage {
  bytes: Buffer
  sha256: string
  size: number
  format: 'png' | 'jpeg' | 'webp'
  /** Dimensions as displayed (EXIF orientation applied). */
  width: number
  height: number
}

/** Reads, hashes and header-checks `file`. Throws ImageRejectedError with a reason on failure. */
export async function loadImage(file: string, limits: ImportLimits): Promise<LoadedImage> {
  const bytes = await readCapped(file, limits.maxFileBytes)
  if (bytes.length === 0) throw new ImageRejectedError('empty file (0 bytes)')
  const sha256 = createHash('sha256').update(bytes).digest('hex')

  let meta: Metadata
  try {
    // Header only: cheap, and enough to refuse decompression bombs before any pixel is decoded.
    meta = await sharp(bytes, { limitInputPixels: false }).metadata()
  } catch (err) {
    throw new ImageRejectedError(describeSharpError(err))
  }
  const format = meta.format ?? ''
  if (!IMPORT_IMAGE_FORMATS.includes(format)) {
    throw new ImageRejectedError(`unsupported image format "${format || 'unknown'}" (only PNG, JPEG and WebP are imported)`)
  }
  const width = meta.autoOrient?.width ?? meta.width
  const height = meta.autoOrient?.height ?? meta.height
  if (!width || !height) throw new ImageRejectedError('image has no dimensions')
  if (width > limits.maxDimension || height > limits.maxDimension) {
    throw new ImageRejectedError(`image is ${width}x${height} px, over the ${limits.maxDimension} px limit`)
  }
  if (width * height > limits.maxPixels) {
    throw new ImageRejectedError(`image has ${width * height} pixels, over the ${limits.maxPixels} pixel limit`)
  }
  return { bytes, sha256, size: bytes.length, format: format as LoadedImage['format'], width, height }
}

/** Path of the cached thumbnail for a content hash. */
export function thumbnailPath(thumbsDir: string, sha256: string): string {
  if (!/^[0-9a-f]{64}$/.test(sha256)) throw new Error(`not a sha256 hex digest: ${sha256.slice(0, 80)}`)
  return path.join(thumbsDir, `${sha256}.webp`)
}

/**
 * Decodes `image` fully and writes `<thumbsDir>/<sha256>.webp` (atomically: temp file + rename, so a
 * kill mid-write never leaves a half thumbnail under the final name). An existing thumbnail is kept:
 * it is content-addressed, and its existence proves these exact bytes decoded before.
 */
export async function writeThumbnail(image: LoadedImage, thumbsDir: string, size = THUMB_SIZE): Promise<string> {
  const target = thumbnailPath(thumbsDir, image.sha256)
  if (await exists(target)) return target
  let webp: Buffer
  try {
    webp = await sharp(image.bytes, { failOn: 'truncated', limitInputPixels: false, sequentialRead: true })
      .autoOrient()
      .resize(size, size, { fit: 'inside', withoutEnlargement: true })
      .webp({ quality: 75, effort: 2 })
      .toBuffer()
  } catch (err) {
    // libvips keeps its error text in a process-wide buffer, so under concurrent decodes the message
    // can arrive empty ("Unknown error"); the file's own end marker says reliably whether it is cut short.
    if (endsEarly(image.bytes, image.format)) throw new ImageRejectedError(`truncated image: the data ends early (no ${END_MARKER_NAME[image.format]} marker)`)
    throw new ImageRejectedError(describeSharpError(err))
  }
  await writeFileAtomic(target, webp)
  return target
}

/**
 * Removes temp files that a killed import left in the thumbnail cache. The writer's pid is part of
 * the temp name (atomicTempPath in src-main/core/fs/atomic-write.ts), so files of a live process
 * (another import running now) are left alone.
 */
export async function removeStaleThumbnailTemps(thumbsDir: string, isAlive: (pid: number) => boolean = pidIsAlive): Promise<number> {
  let removed = 0
  for (const name of await readdir(thumbsDir).catch(() => [] as string[])) {
    const m = /^[0-9a-f]{64}\.webp\.(\d+)\.[0-9a-z]+\.tmp$/.exec(name)
    if (!m || isAlive(Number(m[1]))) continue
    await unlink(path.join(thumbsDir, name)).catch(() => {})
    removed++
  }
  return removed
}

function pidIsAlive(pid: number): boolean {
  if (pid === process.pid) return true
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    // EPERM: it exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

const END_MARKER_NAME: Record<LoadedImage['format'], string> = { jpeg: 'JPEG end-of-image', png: 'PNG IEND', webp: 'complete RIFF' }

/**
 * True when the bytes stop before the format's end marker: JPEG's EOI (FF D9, possibly followed by
 * padding), PNG's IEND chunk, or a WebP shorter than its RIFF header's declared size.
 */
export function endsEarly(bytes: Uint8Array, format: LoadedImage['format']): boolean {
  if (format === 'jpeg') {
    // Some encoders pad after EOI; look for it in the last few bytes only.
    for (let i = bytes.length - 2; i >= Math.max(0, bytes.length - 64); i--) if (bytes[i] === 0xff && bytes[i + 1] === 0xd9) return false
    return true
  }
  if (format === 'png') {
    const iend = [0x49, 0x45, 0x4e, 0x44] // "IEND", then its 4-byte CRC
    for (let i = bytes.length - 8; i >= Math.max(0, bytes.length - 64); i--) {
      if (iend.every((b, k) => bytes[i + k] === b)) return false
    }
    return true
  }
  if (bytes.length < 12) return true
  const declared = (bytes[4] | (bytes[5] << 8) | (bytes[6] << 16) | (bytes[7] << 24)) >>> 0
  return bytes.length < declared + 8
}

/** Turns libvips' wording into a reason a user can act on, keeping the original for detail. */
export function describeSharpError(err: unknown): string {
  const raw = (err instanceof Error ? err.message : String(err)).trim().split('\n')[0].slice(0, 200)
  const msg = raw.toLowerCase()
  if (msg.includes('unsupported image format')) return 'not an image (unrecognised file format)'
  if (msg.includes('empty')) return 'empty file (0 bytes)'
  if (msg.includes('premature end') || msg.includes('truncated') || msg.includes('unexpected end') || msg.includes('not enough data')) {
    return `truncated image: the data ends early (${raw})`
  }
  if (msg.includes('pixel limit')) return `image is too large to decode (${raw})`
  return `corrupt image (${raw})`
}

/**
 * Reads a whole image file through the shared regular-file reader: a FIFO or a device swapped in
 * after the manifest was built is refused instead of blocking a thread or reading without end.
 */
async function readCapped(file: string, maxBytes: number): Promise<Buffer> {
  try {
    return await readRegularFile(file, maxBytes)
  } catch (err) {
    if (err instanceof FileRefusedError) throw new ImageRejectedError(err.message)
    throw new ImageRejectedError(`cannot read file (${(err as NodeJS.ErrnoException).code ?? 'error'})`)
  }
}

async function exists(file: string): Promise<boolean> {
  try {
    await access(file)
    return true
  } catch {
    return false
  }
}
