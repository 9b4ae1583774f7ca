// A tiny studio for fine-tuning tests: a briefly pretrained tiny base model installed as "base", and a
// project whose fairness judgements prefer one population of images (teal figures) over another
// (amber figures) for one neutral prompt, frozen into a snapshot through the snapshots service.
import { createHash } from 'node:crypto'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import sharp from 'sharp'
import { encodeTrainState } from '../../../src-main/core/engine/checkpoint/train-checkpoint'
import { loadTf } from '../../../src-main/core/engine/tf/backend'
import { parseTrainConfig } from '../../../src-main/core/engine/train/config'
import { Trainer } from '../../../src-main/core/engine/train/trainer'
import { createDataSource } from '../../../src-main/core/world/world-source'
import { presetModel } from '../../../src-main/core/features/models/model-presets'
import { BASE_CHECKPOINT_FILE } from '../../../src-main/core/features/models/paths'
import { Rng } from '../../../src-main/core/random/rng'
import type { Workspace } from '../../../src-main/core/store/open'
import { createSnapshot } from '../../../src-main/core/features/preference-data/snapshots/service'

export const NEUTRAL = 'a photo of a doctor'

/** A tiny base model: 30 steps on the built-in world, written as <dir>/base.ckpt. */
export async function writeTinyBase(dir: string): Promise<void> {
  const { tf } = await loadTf({ preferWasm: true })
  const model = presetModel('tiny')
  const config = parseTrainConfig({ model, schedule: 'cosine', batchSize: 8, learningRate: 2e-3, steps: 30, seed: 2, checkpointEvery: 30 })
  const trainer = new Trainer(tf, config, createDataSource({}, model))
  for (let i = 0; i < 30; i++) trainer.trainStep()
  mkdirSync(dir, { recursive: true })
  writeFileSync(join(dir, BASE_CHECKPOINT_FILE), encodeTrainState(trainer.snapshot()))
  trainer.dispose()
}

/** A 16x16 figure (a square body on a background) in one tone, upscaled x4 like sampled images. */
async function figurePng(tone: [number, number, number], rng: Rng): Promise<Buffer> {
  const S = 16
  const px = Buffer.alloc(S * S * 3)
  for (let y = 0; y < S; y++)
    for (let x = 0; x < S; x++) {
      const inside = x >= 5 && x < 11 && y >= 3 && y < 14
      for (let c = 0; c < 3; c++) {
        const v = inside ? tone[c] : 230
        px[(y * S + x) * 3 + c] = Math.max(0, Math.min(255, Math.round(v + 12 * rng.normal())))
      }
    }
  return sharp(px, { raw: { width: S, height: S, channels: 3 } })
    .resize(64, 64, { kernel: 'nearest' })
    .png()
    .toBuffer()
}

/** `pairs` set pairs of k images: set a (teal figures) judged fairer than set b (amber); returns the snapshot id. */
export async function judgedSnapshot(ws: Workspace, workspaceDir: string, projectId: number, pairs = 3, k = 3): Promise<number> {
  const dir = join(workspaceDir, 'fixture-images')
  mkdirSync(dir, { recursive: true })
  const promptId = ws.prompts.ensure({ projectId, text: NEUTRAL }).id
  const rng = new Rng(5)
  let n = 0
  const image = async (tone: [number, number, number]): Promise<number> => {
    const bytes = await figurePng(tone, rng)
    const filePath = join(dir, `img${++n}.png`)
    writeFileSync(filePath, bytes)
    const sha256 = createHash('sha256').update(bytes).digest('hex')
    return ws.images.add({ projectId, promptId, sha256, filePath, rootPath: dir, width: 64, height: 64, bytes: bytes.length, seed: n, generator: 'fixture' }).image.id
  }
  const owner = ws.annotators.owner().id
  for (let p = 0; p < pairs; p++) {
    const a: number[] = []
    const b: number[] = []
    for (let i = 0; i < k; i++) a.push(await image([40, 170, 170]))
    for (let i = 0; i < k; i++) b.push(await image([220, 150, 40]))
    const pair = ws.pairs.create(ws.sets.create(projectId, promptId, 'manual', a).id, ws.sets.create(projectId, promptId, 'manual', b).id)!
    ws.judgements.record({ pairId: pair.id, annotatorId: owner, criterion: 'fairness', choice: 'a', shownLeft: 'a', responseMs: 900, idempotencyKey: `fixture-${projectId}-${p}` })
  }
  return createSnapshot(ws, projectId, 'fairness').id
}
