// Writes an import folder in the PopAlignSDXL layout (image + sidecar JSON), with distinct images
// per prompt, one exact duplicate, and broken files of each kind the import report must name.
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import sharp from 'sharp'

export interface FixtureFolder {
  dir: string
  prompts: Record<string, number>
  duplicates: number
  broken: string[]
}

function sidecar(dir: string, file: string, prompt: string | null): void {
  const json = prompt === null ? { file_path: `outputs/${file}` } : { file_path: `outputs/${file}`, prompt }
  writeFileSync(join(dir, file.replace(/\.\w+$/, '.json')), JSON.stringify(json))
}

export async function writeFixtureFolder(dir: string, prompts: Record<string, number>): Promise<FixtureFolder> {
  mkdirSync(dir, { recursive: true })
  let n = 0
  let first = ''
  for (const [prompt, count] of Object.entries(prompts)) {
    for (let i = 0; i < count; i++, n++) {
      const file = `img_${String(n).padStart(8, '0')}-0000-4000-8000-000000000000_seed_${n}_${i}.png`
      // A distinct colour and a distinct stripe per image, so no two hash alike.
      const background = { r: (n * 53) % 256, g: (n * 97) % 256, b: (n * 151) % 256 }
      const stripe = await sharp({ create: { width: 48, height: 6, channels: 3, background: { r: 255 - background.r, g: n % 256, b: 0 } } })
        .png()
        .toBuffer()
      await sharp({ create: { width: 96, height: 96, channels: 3, background } })
        .composite([{ input: stripe, top: (n * 7) % 90, left: 8 }])
        .png()
        .toFile(join(dir, file))
      sidecar(dir, file, prompt)
      if (!first) first = file
    }
  }
  const firstPrompt = Object.keys(prompts)[0]
  copyFileSync(join(dir, first), join(dir, 'img_dup-copy_seed_99_0.png'))
  sidecar(dir, 'img_dup-copy_seed_99_0.png', firstPrompt)

  const jpeg = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#336699' } })
    .jpeg()
    .toBuffer()
  writeFileSync(join(dir, 'truncated.jpg'), jpeg.subarray(0, Math.floor(jpeg.length / 3)))
  sidecar(dir, 'truncated.jpg', firstPrompt)
  writeFileSync(join(dir, 'corrupt.png'), Buffer.from('\x89PNG\r\n\x1a\n this is not really a png at all'))
  sidecar(dir, 'corrupt.png', firstPrompt)
  writeFileSync(join(dir, 'not-an-image.png'), 'hello, I am a text file\n')
  sidecar(dir, 'not-an-image.png', firstPrompt)
  return { dir, prompts, duplicates: 1, broken: ['truncated.jpg', 'corrupt.png', 'not-an-image.png'] }
}
