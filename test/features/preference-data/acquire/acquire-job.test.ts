// The acquisition job end to end with a tiny random DiT sampled through onnxruntime-node and a foreign
// classifier whose labels are mapped onto the project's classes: pairs and "classifier" judgements come
// out, every drop is in the ledger, and a job stopped mid-way resumes to exactly the same result.
import { existsSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { Job } from '@shared/contract'
import { createAcquireService, defaultResolveModel, type AcquireRequest, type AcquireService } from '../../../../src-main/core/features/preference-data/acquire/service'
import { createClassifyService } from '../../../../src-main/core/classifier/classify-job'
import { migration0006 } from '../../../../src-main/core/store/migrations/0006_acquire'
import { migrations } from '../../../../src-main/core/store/migrations'
import { openWorkspace, type Workspace } from '../../../../src-main/core/store/open'
import { encodeTrainState } from '../../../../src-main/core/engine/checkpoint/train-checkpoint'
import { Rng } from '../../../../src-main/core/random/rng'
import { parseTrainConfig } from '../../../../src-main/core/engine/train/config'
import { createJobRunner, type JobRunner } from '../../../../src-main/core/jobs/runner'
import { VOCAB_SIZE } from '../../../../src-main/core/world/vocabulary'
import { foreignMapping, writeForeignClassifier } from '../../../classifier/fixtures'
import { tempDir } from '../../../store/helpers'
import { randomParams } from '../../../engine/onnx/helpers'
import { RESOURCES_DIR } from '../../../helpers/config'

const model = { imageSize: 8, channels: 3, patch: 2, width: 16, depth: 1, heads: 2, mlpRatio: 2, timeFeatures: 8, vocabSize: VOCAB_SIZE }

function writeCheckpoint(file: string): void {
  const config = parseTrainConfig({ model, schedule: 'cosine' })
  const params = randomParams(model, 5)
  const zeros = Object.fromEntries(Object.entries(params).map(([k, v]) => [k, new Float32Array(v.length)]))
  writeFileSync(file, encodeTrainState({ config, step: 0, rng: new Rng(1).getState(), params, adam: { step: 0, m: zeros, v: { ...zeros } }, losses: [] }))
}

/** The foreign model's heads put onto the world's axes: its own labels, the project's classes. */
const worldMapping = {
  ...foreignMapping,
  id: 'foreign-on-world',
  heads: [
    { axis: 'silhouette', output: 'gender_logits', activation: 'softmax', labels: ['Man', 'Woman'], map: { Man: 'round', Woman: 'angular' } },
    { axis: 'tone', output: 'race_logits', activation: 'softmax', labels: ['East Asian', 'Southeast Asian', 'White'], map: { 'East Asian': 'amber', 'Southeast Asian': 'amber', White: 'teal' } }
  ],
  confidenceThreshold: 0.55
}

interface Env {
  tmp: ReturnType<typeof tempDir>
  ws: Workspace
  runner: JobRunner
  acquire: AcquireService
  projectId: number
  request: AcquireRequest
  events: Job[]
}
const envs: Env[] = []

function services(e: Pick<Env, 'ws' | 'tmp'>): Pick<Env, 'runner' | 'acquire' | 'events'> {
  const events: Job[] = []
  const runner = createJobRunner({ db: e.ws.db, onEvent: (_n, job) => events.push(job), throttleMs: 0 })
  const classify = createClassifyService({ ws: e.ws, runner, resourcesDir: RESOURCES_DIR })
  return { runner, events, acquire: createAcquireService({ ws: e.ws, runner, classify, workspaceDir: e.tmp.dir, resolveModel: (m) => defaultResolveModel(m, RESOURCES_DIR), classifyBatch: 16 }) }
}

function env(): Env {
  const tmp = tempDir('acquire-')
  const ws = openWorkspace(path.join(tmp.dir, 'ws.sqlite'))
  // Migration 0006 waits for 0005 before it is registered; until then the tests apply it themselves.
  if (migrations.length < 6) migration0006.up(ws.db)
  const projectId = ws.projects.create('acquire').id
  ws.axes.save(projectId, 'silhouette', ['round', 'angular'], null)
  ws.axes.save(projectId, 'tone', ['amber', 'teal'], null)
  const checkpoint = path.join(tmp.dir, 'tiny.ckpt')
  writeCheckpoint(checkpoint)
  const mappingPath = writeForeignClassifier(tmp.dir, worldMapping)
  const request: AcquireRequest = {
    neutralPrompts: ['a photo of a doctor', 'a photo of a pilot'],
    checkpoint,
    nPerNeutral: 12,
    mPerSpecific: 4,
    k: 2,
    pairsPerPrompt: 3,
    seed: 7,
    sampling: { steps: 3 },
    classifier: { mappingPath }
  }
  const e = { tmp, ws, projectId, request, ...services({ tmp, ws }) }
  envs.push(e)
  return e
}

afterEach(async () => {
  for (const e of envs.splice(0)) {
    await e.runner.shutdown()
    e.ws.close()
    e.tmp.cleanup()
  }
})

/** What an acquisition produced, independent of row ids. */
function outcome(e: Env, jobId: number) {
  const sha = (id: number) => e.ws.images.get(id)!.sha256
  const pairs = e.ws.db.prepare('SELECT * FROM acquire_pairs WHERE job_id = ? ORDER BY neutral_prompt_id, idx').all(jobId) as { winner_set_id: number; loser_set_id: number; swapped: number }[]
  return {
    images: e.ws.db.prepare('SELECT i.sha256, a.gate FROM acquire_images a JOIN images i ON i.id = a.image_id WHERE a.job_id = ? ORDER BY i.sha256').all(jobId) as object[],
    pairs: pairs.map((p) => ({ winner: e.ws.sets.get(p.winner_set_id)!.imageIds.map(sha), loser: e.ws.sets.get(p.loser_set_id)!.imageIds.map(sha), swapped: p.swapped })),
    ledger: e.acquire.ledger(jobId).drops.map((d) => [d.stage, d.reason, d.imageId === null ? null : sha(d.imageId), d.prompt])
  }
}

describe('acquisition job', () => {
  it('samples, classifies, gates with a ledger, and saves pairs judged by "classifier"', async () => {
    const e = env()
    const job = e.acquire.start(e.projectId, e.request)
    await e.runner.idle()
    const done = e.runner.get(job.id)
    expect(done.error).toBeNull()
    expect(done.state).toBe('done')
    // The pairs join the people's label queue, and the job says so.
    expect(done.message).toMatch(/^\d+ pairs judged by the classifier, added to the label queue/)
    // Progress counts network passes (a sampled image weighs its sampler steps), and ends at its total.
    expect(done.total).toBeGreaterThan(56 * 2)
    expect(done.done).toBe(done.total)
    // On the way it says what it does in a person's words (issue 10): images sampled and read, prompts paired.
    const said = e.events.filter((j) => j.id === job.id && j.state === 'running').map((j) => j.message)
    expect(said.filter((m) => /^sampled \d+ of 56 images \(last: “a photo of a .*”\)$/.test(m)).length).toBeGreaterThan(1)
    expect(said).toContain('classifying images: 0 of 56 read by the classifier')
    expect(said.some((m) => /^classifying images: [1-9]\d* of 56 read by the classifier$/.test(m))).toBe(true)
    expect(said.at(-1)).toBe('building pairs: 2 of 2 prompts done')
    expect(said.filter((m) => /^step |units/.test(m))).toEqual([])
    const ledger = e.acquire.ledger(job.id)
    // 2 neutral prompts x (12 + 4 combos x 4) = 56 images; each is kept or has exactly one gate drop.
    const gateDrops = ledger.drops.filter((d) => d.stage === 'gate')
    expect(ledger.kept.neutral + ledger.kept.augmented + gateDrops.length + (ledger.counts.duplicate_image ?? 0)).toBe(56)
    expect(gateDrops.length).toBeGreaterThan(0)
    const prompts = e.ws.prompts.list(e.projectId)
    expect(prompts.filter((p) => p.kind === 'specific')).toHaveLength(8)
    expect(prompts.find((p) => p.text === 'a photo of a round teal doctor')).toMatchObject({ kind: 'specific', imageCount: 4 })

    const pairs = e.ws.pairs.list(e.projectId)
    expect(pairs.length).toBe(ledger.pairs)
    expect(ledger.pairs + 3 * ledger.drops.filter((d) => d.reason === 'pool_too_small').length).toBe(6)
    const judgements = e.ws.judgements.listForProject(e.projectId)
    expect(judgements).toHaveLength(pairs.length)
    const classifier = e.ws.annotators.classifier()
    const acquired = e.ws.db.prepare('SELECT * FROM acquire_pairs WHERE job_id = ?').all(job.id) as { pair_id: number; winner_set_id: number; loser_set_id: number; swapped: number }[]
    for (const j of judgements) {
      expect(j).toMatchObject({ annotatorId: classifier.id, criterion: 'fairness' })
      const pair = e.ws.pairs.get(j.pairId)!
      const row = acquired.find((a) => a.pair_id === pair.id)!
      expect(j.choice === 'a' ? pair.setA : pair.setB).toBe(row.winner_set_id)
      const winner = e.ws.sets.get(row.winner_set_id)!
      const loser = e.ws.sets.get(row.loser_set_id)!
      expect(winner.imageIds).toHaveLength(2)
      expect(winner.promptId).toBe(pair.promptId)
      const pool = (id: number) => e.ws.prompts.get(e.ws.images.get(id)!.promptId)!.kind
      const [aug, neu] = row.swapped ? [loser, winner] : [winner, loser]
      expect(aug.imageIds.every((id) => pool(id) === 'specific')).toBe(true)
      expect(neu.imageIds.every((id) => pool(id) === 'neutral')).toBe(true)
      // Only kept images are used.
      for (const id of [...aug.imageIds, ...neu.imageIds]) expect((e.ws.db.prepare('SELECT gate FROM acquire_images WHERE image_id = ?').get(id) as { gate: string }).gate).toBe('kept')
    }
    // Every image is a PNG under <workspace>/acquire/<jobId>/ with its provenance.
    const img = e.ws.images.get(e.ws.images.idsOfPrompt(prompts[0].id)[0])!
    expect(img.filePath.startsWith(path.join(e.tmp.dir, 'acquire', String(job.id)))).toBe(true)
    expect(img.provenance).toMatchObject({ acquireJob: job.id, pool: 'neutral', promptUsed: 'a photo of a doctor' })
    // Every acquired image has its thumbnail in the workspace's cache, as imported images do.
    const acquiredIds = e.ws.db.prepare('SELECT image_id FROM acquire_images WHERE job_id = ?').pluck().all(job.id) as number[]
    expect(acquiredIds.length).toBeGreaterThan(0)
    for (const id of acquiredIds) {
      const thumb = e.ws.images.imageFile(id, 'thumb')
      expect(thumb, `thumbnail of image ${id}`).not.toBeNull()
      expect(thumb!.root).toBe(e.ws.thumbDir)
      expect(existsSync(thumb!.path)).toBe(true)
    }
  })

  it('resumes after a shutdown mid-sampling and ends with exactly what an uninterrupted run makes', async () => {
    const reference = env()
    const refJob = reference.acquire.start(reference.projectId, reference.request)
    await reference.runner.idle()
    expect(reference.runner.get(refJob.id).state).toBe('done')

    const e = env()
    const job = e.acquire.start(e.projectId, e.request)
    await new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        if (e.events.some((j) => j.id === job.id && /sampled/.test(j.message))) {
          clearInterval(timer)
          resolve()
        }
      }, 1)
    })
    await e.runner.shutdown()
    const sampled = e.ws.db.prepare('SELECT count(*) AS n FROM acquire_plan WHERE job_id = ? AND sampled_at IS NOT NULL').get(job.id) as { n: number }
    expect(sampled.n).toBeGreaterThan(0)
    expect(sampled.n).toBeLessThan(10)
    expect(e.ws.jobs.get(job.id)!.state).toBe('running')

    Object.assign(e, services(e))
    expect(e.runner.resumePending().map((j) => j.id)).toEqual([job.id])
    await e.runner.idle()
    expect(e.runner.get(job.id).state).toBe('done')
    expect(outcome(e, job.id)).toEqual(outcome(reference, refJob.id))
  })

  it('refuses bad requests with clear messages', () => {
    const e = env()
    const start = (patch: Partial<AcquireRequest>) => () => e.acquire.start(e.projectId, { ...e.request, ...patch })
    expect(start({ neutralPrompts: ['a photo of a round doctor'] })).toThrow(/names class "round" of axis "silhouette"/)
    expect(start({ templates: ['a {silhouette} {concept}'] })).toThrow(/no placeholder for axis "tone"/)
    expect(start({ neutralPrompts: ['zzz qqq'] })).toThrow(/has no word the model knows/)
    expect(start({ checkpoint: path.join(e.tmp.dir, 'none.ckpt') })).toThrow(/checkpoint not found/)
    expect(start({ nPerNeutral: 1 })).toThrow(/smaller than the set size k/)
    e.ws.axes.save(e.projectId, 'size', ['tall', 'short'], null)
    expect(start({})).toThrow(/words the model does not know \(tall\)/)
  })
})
