// A judged project whose preference is separable at a glance: every winning set holds images lit from
// above (light top half, dark bottom half) and every losing set images lit from below (real PNG files),
// all under one neutral prompt, with a snapshot. The real-model fine-tune must learn to prefer the
// first kind (implicit accuracy above chance). A layout, not a uniform brightness: the tiny model's VAE
// normalises each channel over the image (GroupNorm), which erases a uniform brightness or colour
// shift but keeps where the light is.
import { createHash } from 'node:crypto'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import sharp from 'sharp'
import { openWorkspace, type Workspace } from '../../src-main/core/store/open'
import { createSnapshot } from '../../src-main/core/features/preference-data/snapshots/service'
import { Rng } from '../../src-main/core/random/rng'

export interface ToyPreference {
  ws: Workspace
  projectId: number
  snapshotId: number
  close(): void
}

/** A noisy image whose light half is the top (litFromAbove) or the bottom one. */
async function png(litFromAbove: boolean, light: number, rng: Rng, size = 64): Promise<Buffer> {
  const raw = Buffer.alloc(size * size * 3)
  for (let i = 0; i < raw.length; i++) {
    const top = Math.floor(i / (size * 3)) < size / 2
    const level = top === litFromAbove ? light : 255 - light
    raw[i] = Math.max(0, Math.min(255, Math.round(level + 12 * rng.normal())))
  }
  return sharp(raw, { raw: { width: size, height: size, channels: 3 } })
    .png()
    .toBuffer()
}

export async function toyPreference(dir: string, pairs = 8, perSet = 2): Promise<ToyPreference> {
  const ws = openWorkspace(join(dir, 'ws.sqlite'))
  const imagesDir = join(dir, 'images')
  mkdirSync(imagesDir, { recursive: true })
  const projectId = ws.projects.create('Toy preference', '').id
  const prompt = ws.prompts.ensure({ projectId, text: 'a photo of a doctor' }).id
  const rng = new Rng(7)
  let n = 0
  const image = async (litFromAbove: boolean, light: number): Promise<number> => {
    const bytes = await png(litFromAbove, light, rng)
    const filePath = join(imagesDir, `img${n++}.png`)
    writeFileSync(filePath, bytes)
    const sha256 = createHash('sha256').update(bytes).digest('hex')
    return ws.images.add({ projectId, promptId: prompt, sha256, filePath, rootPath: imagesDir, width: 64, height: 64, bytes: bytes.length, seed: n, generator: 'toy' }).image.id
  }
  const owner = ws.annotators.owner().id
  for (let p = 0; p < pairs; p++) {
    const above: number[] = []
    const below: number[] = []
    for (let k = 0; k < perSet; k++) {
      above.push(await image(true, 215 - 4 * k))
      below.push(await image(false, 215 - 4 * k))
    }
    // Alternate sides so the export's winner-first order is the studio's doing, not the fixture's.
    const [a, b] = p % 2 === 0 ? [above, below] : [below, above]
    const pair = ws.pairs.create(ws.sets.create(projectId, prompt, 'manual', a).id, ws.sets.create(projectId, prompt, 'manual', b).id)!
    ws.judgements.record({ pairId: pair.id, annotatorId: owner, criterion: 'fairness', choice: p % 2 === 0 ? 'a' : 'b', shownLeft: 'a', responseMs: 900, idempotencyKey: `toy${p}` })
  }
  const snapshot = createSnapshot(ws, projectId, 'fairness')
  return { ws, projectId, snapshotId: snapshot.id, close: () => ws.close() }
}
