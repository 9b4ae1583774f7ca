import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import sharp from 'sharp'
import { afterAll, describe, expect, it } from 'vitest'
import { ImageRejectedError, describeSharpError, endsEarly, loadImage, removeStaleThumbnailTemps, thumbnailPath, writeThumbnail } from '../../../src-main/core/features/import/image-file'
import { DEFAULT_IMPORT_LIMITS } from '../../../src-main/core/features/import/limits'

const FIXTURE = path.resolve(__dirname, '..', '..', 'fixtures', 'import-basic')
const tmp = mkdtempSync(path.join(tmpdir(), 'image-file-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

async function rejection(p: Promise<unknown>): Promise<string> {
  try {
    await p
  } catch (err) {
    expect(err).toBeInstanceOf(ImageRejectedError)
    return (err as Error).message
  }
  throw new Error('expected a rejection')
}

async function solid(width: number, height: number, format: 'png' | 'gif' | 'tiff'): Promise<Buffer> {
  const img = sharp({ create: { width, height, channels: 3, background: { r: 200, g: 10, b: 10 } } })
  return format === 'png' ? img.png().toBuffer() : format === 'gif' ? img.gif().toBuffer() : img.tiff().toBuffer()
}

describe('loadImage', () => {
  it('hashes and measures a valid image', async () => {
    const img = await loadImage(path.join(FIXTURE, 'no-prompt.png'), DEFAULT_IMPORT_LIMITS)
    expect(img).toMatchObject({ format: 'png', width: 32, height: 32, size: statSync(path.join(FIXTURE, 'no-prompt.png')).size })
    expect(img.sha256).toMatch(/^[0-9a-f]{64}$/)
  })

  it.each([
    ['empty.png', /empty file/],
    ['not-an-image.png', /not an image/],
    ['corrupt.png', /corrupt image/]
  ])('rejects %s', async (name, why) => {
    expect(await rejection(loadImage(path.join(FIXTURE, name), DEFAULT_IMPORT_LIMITS))).toMatch(why)
  })

  it('rejects a file over the byte cap without decoding it', async () => {
    const msg = await rejection(loadImage(path.join(FIXTURE, 'no-prompt.png'), { ...DEFAULT_IMPORT_LIMITS, maxFileBytes: 100 }))
    expect(msg).toMatch(/over the 100 bytes limit/)
  })

  it('rejects pixel dimensions over the caps (decompression bombs) from the header alone', async () => {
    const file = path.join(tmp, 'wide.png')
    writeFileSync(file, await solid(300, 10, 'png'))
    expect(await rejection(loadImage(file, { ...DEFAULT_IMPORT_LIMITS, maxDimension: 256 }))).toMatch(/300x10 px, over the 256 px limit/)
    expect(await rejection(loadImage(file, { ...DEFAULT_IMPORT_LIMITS, maxPixels: 1000 }))).toMatch(/3000 pixels, over the 1000 pixel limit/)
  })

  it('rejects formats other than PNG, JPEG and WebP whatever the extension says', async () => {
    const file = path.join(tmp, 'really-a-gif.png')
    writeFileSync(file, await solid(8, 8, 'gif'))
    expect(await rejection(loadImage(file, DEFAULT_IMPORT_LIMITS))).toMatch(/unsupported image format "gif"/)
  })

  it('rejects a missing file with a reason', async () => {
    expect(await rejection(loadImage(path.join(tmp, 'nope.png'), DEFAULT_IMPORT_LIMITS))).toMatch(/cannot open file \(ENOENT\)/)
  })
})

describe('writeThumbnail', () => {
  it('writes a webp no larger than the thumbnail size, named by hash', async () => {
    const file = path.join(tmp, 'big.png')
    writeFileSync(file, await solid(600, 300, 'png'))
    const img = await loadImage(file, DEFAULT_IMPORT_LIMITS)
    const thumbs = path.join(tmp, 'thumbs')
    mkdirSync(thumbs)
    const out = await writeThumbnail(img, thumbs)
    expect(out).toBe(thumbnailPath(thumbs, img.sha256))
    const meta = await sharp(out).metadata()
    expect(meta).toMatchObject({ format: 'webp', width: 256, height: 128 })
  })

  it('detects a truncated JPEG only on full decode, and a truncated PNG too', async () => {
    const thumbs = path.join(tmp, 'thumbs-trunc')
    mkdirSync(thumbs)
    const jpeg = await loadImage(path.join(FIXTURE, 'truncated.jpg'), DEFAULT_IMPORT_LIMITS)
    expect(await rejection(writeThumbnail(jpeg, thumbs))).toMatch(/truncated image/)

    const png = await sharp({ create: { width: 64, height: 64, channels: 3, background: 'white' } })
      .composite([{ input: Buffer.alloc(64 * 64 * 3, 7), raw: { width: 64, height: 64, channels: 3 }, blend: 'difference' }])
      .png({ compressionLevel: 0 })
      .toBuffer()
    const cut = path.join(tmp, 'cut.png')
    writeFileSync(cut, png.subarray(0, Math.floor(png.length / 2)))
    const loaded = await loadImage(cut, DEFAULT_IMPORT_LIMITS)
    expect(await rejection(writeThumbnail(loaded, thumbs))).toMatch(/truncated image/)
    expect(existsSync(thumbnailPath(thumbs, loaded.sha256))).toBe(false)
  })

  it('names a truncated JPEG as truncated even while other decodes run at the same time', async () => {
    // libvips' error text is process-wide; concurrent decodes used to turn this into "Unknown error".
    const thumbs = path.join(tmp, 'thumbs-concurrent')
    mkdirSync(thumbs)
    const jpeg = await loadImage(path.join(FIXTURE, 'truncated.jpg'), DEFAULT_IMPORT_LIMITS)
    const others = Array.from({ length: 8 }, (_, i) =>
      sharp({ create: { width: 512, height: 512, channels: 3, background: { r: i, g: 0, b: 0 } } })
        .png()
        .toBuffer()
    )
    const reasons = await Promise.all([...others, ...Array.from({ length: 4 }, () => rejection(writeThumbnail(jpeg, thumbs)))])
    for (const r of reasons.slice(8)) expect(r).toMatch(/truncated image/)
  })

  it('refuses a non-hash file name for the cache', () => {
    expect(() => thumbnailPath(tmp, '../../etc/passwd')).toThrow(/sha256/)
  })
})

describe('endsEarly', () => {
  it('finds the end marker of complete PNG, JPEG and WebP files and misses it in cut ones', async () => {
    const base = sharp({ create: { width: 32, height: 32, channels: 3, background: 'teal' } })
    const files = { png: await base.clone().png().toBuffer(), jpeg: await base.clone().jpeg().toBuffer(), webp: await base.clone().webp().toBuffer() } as const
    for (const [format, bytes] of Object.entries(files) as [keyof typeof files, Buffer][]) {
      expect(endsEarly(bytes, format), format).toBe(false)
      expect(endsEarly(bytes.subarray(0, bytes.length - 10), format), `${format} cut`).toBe(true)
    }
    expect(endsEarly(Buffer.concat([files.jpeg, Buffer.alloc(16)]), 'jpeg')).toBe(false)
  })
})

describe('describeSharpError', () => {
  it.each([
    ['Input buffer contains unsupported image format', /not an image/],
    ['VipsJpeg: premature end of JPEG image', /truncated/],
    ['Input buffer has corrupt header: xyz', /corrupt image \(Input buffer has corrupt header: xyz\)/]
  ])('%s', (raw, want) => {
    expect(describeSharpError(new Error(raw))).toMatch(want)
  })
})

describe('removeStaleThumbnailTemps', () => {
  it('removes temp files of dead writers only', async () => {
    const dir = path.join(tmp, 'stale')
    mkdirSync(dir)
    const sha = 'a'.repeat(64)
    writeFileSync(path.join(dir, `${sha}.webp.111.abc.tmp`), 'x')
    writeFileSync(path.join(dir, `${sha}.webp.222.def.tmp`), 'x')
    writeFileSync(path.join(dir, `${sha}.webp`), 'x')
    const removed = await removeStaleThumbnailTemps(dir, (pid) => pid === 222)
    expect(removed).toBe(1)
    expect(readdirSync(dir).sort()).toEqual([`${sha}.webp`, `${sha}.webp.222.def.tmp`])
  })
})
