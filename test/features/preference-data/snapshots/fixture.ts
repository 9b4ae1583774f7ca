// A small judged project over a real workspace, with image files on disk (their bytes are what the
// parquet export must carry). Each pair is set up for one rule of the snapshot: a plain win, a win on a
// specific prompt (captioned with its linked neutral prompt), a tie, a can't-judge, a 3-annotator
// majority, a 1-1 vote tie, an undone decision replaced by another annotator's, a specific prompt with
// no neutral link, an automatic (classifier) judgement, and one pair nobody judged.
import { createHash } from 'node:crypto'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Choice } from '@shared/contract'
import { openWorkspace, type Workspace } from '../../../../src-main/core/store/open'
import { tempDir } from '../../../store/helpers'

export const NEUTRAL_TEXT = 'Botanist - cataloging "rare" plants, in a forest.'

export interface JudgedProject {
  ws: Workspace
  dir: string
  projectId: number
  annotators: { owner: number; h1: number; h2: number; classifier: number }
  pairs: Record<'win' | 'specific' | 'tie' | 'cant' | 'majority' | 'voteTie' | 'undone' | 'orphan' | 'auto' | 'unjudged', { id: number; setA: number; setB: number }>
  /** The image ids of each set, in position order. */
  members: Map<number, number[]>
  judge(pairId: number, annotatorId: number, choice: Choice): number
  dispose(): void
}

let keys = 0

export function judgedProject(): JudgedProject {
  const tmp = tempDir('popalign-snap-')
  const ws = openWorkspace(join(tmp.dir, 'ws.sqlite'))
  const imagesDir = join(tmp.dir, 'images')
  mkdirSync(imagesDir)
  const projectId = ws.projects.create('Snapshots', '').id
  const neutral = ws.prompts.ensure({ projectId, text: NEUTRAL_TEXT }).id
  const specific = ws.prompts.ensure({ projectId, text: 'a realistic photo of a female botanist', kind: 'specific', neutralPromptId: neutral }).id
  const orphan = ws.prompts.ensure({ projectId, text: 'a realistic photo of a male nurse', kind: 'specific' }).id

  const addImages = (promptId: number, n: number): number[] =>
    Array.from({ length: n }, (_, i) => {
      const filePath = join(imagesDir, `p${promptId}_${i}.png`)
      const bytes = Buffer.from(`image bytes of prompt ${promptId} #${i} ${'x'.repeat(i * 7)}`)
      writeFileSync(filePath, bytes)
      const sha256 = createHash('sha256').update(bytes).digest('hex')
      return ws.images.add({ projectId, promptId, sha256, filePath, rootPath: imagesDir, width: 8, height: 8, bytes: bytes.length, seed: i, generator: 'tiny-dit@1' }).image.id
    })
  const nImages = addImages(neutral, 6)
  const sImages = addImages(specific, 6)
  const oImages = addImages(orphan, 4)

  const members = new Map<number, number[]>()
  const set = (promptId: number, ids: number[]): number => {
    const s = ws.sets.create(projectId, promptId, 'manual', ids)
    members.set(s.id, ids)
    return s.id
  }
  const pair = (a: number, b: number) => {
    const p = ws.pairs.create(a, b)!
    return { id: p.id, setA: a, setB: b }
  }
  // Sets of 3 over the neutral prompt's images, in different combinations so every pair is distinct.
  const rot = (k: number): number[] => [0, 1, 2].map((i) => nImages[(k + i) % 6])
  const neutralPair = (k: number) => pair(set(neutral, rot(k)), set(neutral, rot(k + 3)))

  const pairs = {
    win: neutralPair(0),
    specific: pair(set(specific, sImages.slice(0, 3)), set(specific, sImages.slice(3, 6))),
    tie: neutralPair(1),
    cant: neutralPair(2),
    majority: pair(set(neutral, [nImages[0], nImages[2], nImages[4]]), set(neutral, [nImages[1], nImages[3], nImages[5]])),
    voteTie: pair(set(neutral, [nImages[0], nImages[1], nImages[3]]), set(neutral, [nImages[2], nImages[4], nImages[5]])),
    undone: pair(set(neutral, [nImages[0], nImages[4], nImages[5]]), set(neutral, [nImages[1], nImages[2], nImages[3]])),
    orphan: pair(set(orphan, oImages.slice(0, 2)), set(orphan, oImages.slice(2, 4))),
    auto: pair(set(neutral, [nImages[5], nImages[0], nImages[2]]), set(neutral, [nImages[3], nImages[1], nImages[4]])),
    unjudged: pair(set(neutral, [nImages[1], nImages[5], nImages[0]]), set(neutral, [nImages[2], nImages[3], nImages[4]]))
  }
  const owner = ws.annotators.owner().id
  const h1 = ws.annotators.create('h1').id
  const h2 = ws.annotators.create('h2').id
  const classifier = ws.annotators.classifier().id
  const judge = (pairId: number, annotatorId: number, choice: Choice): number =>
    ws.judgements.record({ pairId, annotatorId, criterion: 'fairness', choice, shownLeft: 'a', responseMs: 1200, idempotencyKey: `k${++keys}` }).judgement.id

  judge(pairs.win.id, owner, 'a')
  judge(pairs.specific.id, owner, 'b')
  judge(pairs.tie.id, owner, 'tie')
  judge(pairs.cant.id, owner, 'cant_judge')
  judge(pairs.majority.id, owner, 'a')
  judge(pairs.majority.id, h1, 'a')
  judge(pairs.majority.id, h2, 'b')
  judge(pairs.voteTie.id, owner, 'a')
  judge(pairs.voteTie.id, h1, 'b')
  judge(pairs.undone.id, owner, 'a')
  ws.judgements.undoLatest(owner, projectId, 'fairness')
  judge(pairs.undone.id, h2, 'b')
  judge(pairs.orphan.id, owner, 'a')
  judge(pairs.auto.id, classifier, 'b')
  // A quality judgement must not leak into a fairness snapshot.
  ws.judgements.record({ pairId: pairs.unjudged.id, annotatorId: owner, criterion: 'quality', choice: 'a', shownLeft: 'b', responseMs: 10, idempotencyKey: `k${++keys}` })

  return {
    ws,
    dir: tmp.dir,
    projectId,
    annotators: { owner, h1, h2, classifier },
    pairs,
    members,
    judge,
    dispose() {
      ws.close()
      tmp.cleanup()
    }
  }
}
