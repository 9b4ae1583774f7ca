// Regenerates test/fixtures/import-basic (committed; run only when the fixture must change):
//   npx tsx scripts/make-fixtures.ts
// Images are tiny and drawn from fixed formulas, so the output is the same on every run.
import { createHash } from 'node:crypto'
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import sharp from 'sharp'

const ROOT = path.resolve(__dirname, '..', 'test', 'fixtures', 'import-basic')
const CSV_DIR = path.join(ROOT, 'csv-variant')
const SIZE = 32

/** RFC 4122 version-5 UUID (as PopAlignSDXL's `uuid5(NAMESPACE_URL, prompt)` names its files). */
function uuid5(name: string): string {
  const namespaceUrl = Buffer.from('6ba7b8119dad11d180b400c04fd430c8', 'hex')
  const hash = createHash('sha1').update(namespaceUrl).update(name, 'utf8').digest()
  hash[6] = (hash[6] & 0x0f) | 0x50
  hash[8] = (hash[8] & 0x3f) | 0x80
  const h = hash.subarray(0, 16).toString('hex')
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`
}

/** A small gradient whose colours depend on `seed`, so every fixture image has different bytes. */
function pixels(seed: number): Buffer {
  const buf = Buffer.alloc(SIZE * SIZE * 3)
  for (let y = 0; y < SIZE; y++) {
    for (let x = 0; x < SIZE; x++) {
      const i = (y * SIZE + x) * 3
      buf[i] = (x * 8 + seed * 40) & 255
      buf[i + 1] = (y * 8 + seed * 70) & 255
      buf[i + 2] = ((x ^ y) * 4 + seed * 20) & 255
    }
  }
  return buf
}

async function encode(seed: number, format: 'png' | 'jpeg' | 'webp'): Promise<Buffer> {
  const img = sharp(pixels(seed), { raw: { width: SIZE, height: SIZE, channels: 3 } })
  if (format === 'png') return img.png().toBuffer()
  if (format === 'jpeg') return img.jpeg({ quality: 90 }).toBuffer()
  return img.webp({ quality: 80 }).toBuffer()
}

function writeSidecar(dir: string, imageName: string, body: Record<string, unknown>): void {
  const stem = imageName.slice(0, imageName.lastIndexOf('.'))
  writeFileSync(path.join(dir, `${stem}.json`), JSON.stringify(body, null, 2) + '\n')
}

async function main(): Promise<void> {
  rmSync(ROOT, { recursive: true, force: true })
  mkdirSync(path.join(CSV_DIR, 'sub'), { recursive: true })

  // Valid PopAlignSDXL-style images: 3 prompts, 7 files, one of them a byte-for-byte duplicate.
  const prompts = ['a photo of a doctor', 'a photo of a nurse', 'a photo of a CEO']
  const valid: Array<{ prompt: string; seed: number; gen: number; format: 'png' | 'jpeg' | 'webp'; bytesOf?: number }> = [
    { prompt: prompts[0], seed: 1, gen: 0, format: 'png' },
    { prompt: prompts[0], seed: 2, gen: 1, format: 'jpeg' },
    { prompt: prompts[0], seed: 3, gen: 2, format: 'webp' },
    { prompt: prompts[1], seed: 4, gen: 0, format: 'jpeg' },
    { prompt: prompts[1], seed: 5, gen: 1, format: 'png' },
    { prompt: prompts[2], seed: 6, gen: 0, format: 'webp' },
    // Same pixels and encoder as seed 1: identical bytes, so the import counts it as a duplicate.
    { prompt: prompts[0], seed: 7, gen: 3, format: 'png', bytesOf: 1 }
  ]
  for (const v of valid) {
    const ext = v.format === 'jpeg' ? 'jpg' : v.format
    const name = `img_${uuid5(v.prompt)}_seed_${v.seed}_${v.gen}.${ext}`
    writeFileSync(path.join(ROOT, name), await encode(v.bytesOf ?? v.seed, v.format))
    writeSidecar(ROOT, name, { file_path: `outputs/${name}`, prompt: v.prompt })
  }

  // Broken files, each with a sidecar so that the only problem is the file itself.
  const corrupt = Buffer.concat([(await encode(8, 'png')).subarray(0, 40), Buffer.alloc(200, 0x5a)])
  const jpeg = await encode(9, 'jpeg')
  const broken: Array<[string, Buffer]> = [
    ['corrupt.png', corrupt],
    ['truncated.jpg', jpeg.subarray(0, Math.floor(jpeg.length * 0.6))],
    ['not-an-image.png', Buffer.from('This is a text file that was renamed to .png\n')],
    ['empty.png', Buffer.alloc(0)]
  ]
  for (const [name, bytes] of broken) {
    writeFileSync(path.join(ROOT, name), bytes)
    writeSidecar(ROOT, name, { file_path: `outputs/${name}`, prompt: prompts[1] })
  }
  // A valid image whose sidecar lacks the prompt.
  writeFileSync(path.join(ROOT, 'no-prompt.png'), await encode(10, 'png'))
  writeSidecar(ROOT, 'no-prompt.png', { file_path: 'outputs/no-prompt.png' })

  // CSV variant: quoted fields, an escaped quote, a sub folder, a `../` path, a missing file and
  // an empty prompt.
  writeFileSync(path.join(CSV_DIR, 'a.png'), await encode(11, 'png'))
  writeFileSync(path.join(CSV_DIR, 'b.jpg'), await encode(12, 'jpeg'))
  writeFileSync(path.join(CSV_DIR, 'sub', 'c.webp'), await encode(13, 'webp'))
  writeFileSync(path.join(CSV_DIR, 'd.png'), await encode(14, 'png'))
  const outside = `../img_${uuid5(prompts[0])}_seed_1_0.png`
  writeFileSync(
    path.join(CSV_DIR, 'images.csv'),
    [
      'img_path,prompt',
      'a.png,"a photo of a teacher, smiling"',
      'b.jpg,"a photo of a ""chef"""',
      'sub/c.webp,"a photo of a teacher, smiling"',
      `${outside},a photo of a doctor`,
      'missing.png,a photo of a chef',
      'd.png,',
      ''
    ].join('\r\n')
  )
}

main().catch((err) => {
  console.error(err)
  process.exit(1)
})
