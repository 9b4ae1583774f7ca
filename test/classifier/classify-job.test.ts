// The classification job on a real workspace: every kind of bad file gets its status (never a crash),
// a foreign classifier's labels land on the project's classes, the built-in classifier is the default,
// mapping problems are named, and a job stopped mid-way resumes without classifying anything twice.
import { mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Job } from '@shared/contract'
import { ApiFailure } from '../../src-main/core/errors/api-failure'
import { createClassifyService, type ClassifyService } from '../../src-main/core/classifier/classify-job'
import { openWorkspace, type Workspace } from '../../src-main/core/store/open'
import { createJobRunner, type JobRunner } from '../../src-main/core/jobs/runner'
import { Rng } from '../../src-main/core/random/rng'
import { encodePng } from '../../src-main/core/world/png'
import { renderEmptyInto, renderFigure } from '../../src-main/core/world/renderer'
import { tempDir } from '../store/helpers'
import { foreignMapping, solidPng, writeForeignClassifier } from './fixtures'
import { RESOURCES_DIR } from '../helpers/config'

let tmp: ReturnType<typeof tempDir>
let ws: Workspace
let runner: JobRunner
let service: ClassifyService
let projectId: number
let promptId: number
let events: Job[]

function start(batchSize = 64): void {
  events = []
  runner = createJobRunner({ db: ws.db, onEvent: (_e, job) => events.push(job), throttleMs: 0 })
  service = createClassifyService({ ws, runner, batchSize, resourcesDir: RESOURCES_DIR })
}

beforeEach(() => {
  tmp = tempDir('classify-')
  ws = openWorkspace(path.join(tmp.dir, 'ws.sqlite'))
  start()
  projectId = ws.projects.create('audit').id
  promptId = ws.prompts.ensure({ projectId, text: 'a photo of a doctor' }).id
})
afterEach(async () => {
  await runner.shutdown()
  ws.close()
  tmp.cleanup()
})

let n = 0
function addImage(file: string): number {
  n++
  return ws.images.add({ projectId, promptId, sha256: n.toString(16).padStart(64, '0'), filePath: file, rootPath: tmp.dir, width: 32, height: 32, bytes: 1 }).image.id
}

async function runJob(opts: Parameters<ClassifyService['start']>[1]): Promise<Job> {
  const job = service.start(projectId, opts)
  await runner.idle()
  return runner.get(job.id)
}

const verdict = (imageId: number, classifierId: string) =>
  ws.db.prepare('SELECT status, attributes, confidence FROM image_classifications WHERE image_id = ? AND classifier_id = ?').get(imageId, classifierId) as
    { status: string; attributes: string; confidence: number | null } | undefined

describe('classification job with a foreign classifier', () => {
  beforeEach(() => {
    ws.axes.save(projectId, 'gender', ['male', 'female'], null)
    ws.axes.save(projectId, 'race', ['asian', 'white', 'black'], null)
  })

  it('gives each image the right status and maps the model labels onto the project classes', async () => {
    const mappingPath = writeForeignClassifier(tmp.dir)
    const ids = {
      red: addImage(await solidPng(path.join(tmp.dir, 'red.png'), [255, 0, 0])),
      blue: addImage(await solidPng(path.join(tmp.dir, 'blue.png'), [0, 0, 255], 8)),
      yellow: addImage(await solidPng(path.join(tmp.dir, 'yellow.png'), [255, 255, 0], 50)),
      grey: addImage(await solidPng(path.join(tmp.dir, 'grey.png'), [128, 128, 128])),
      black: addImage(await solidPng(path.join(tmp.dir, 'black.png'), [0, 0, 0])),
      garbage: addImage(path.join(tmp.dir, 'garbage.png')),
      empty: addImage(path.join(tmp.dir, 'empty.png')),
      missing: addImage(path.join(tmp.dir, 'missing.png'))
    }
    writeFileSync(path.join(tmp.dir, 'garbage.png'), Buffer.from('this is not a png at all'))
    writeFileSync(path.join(tmp.dir, 'empty.png'), Buffer.alloc(0))

    const job = await runJob({ classifier: { mappingPath } })
    expect(job).toMatchObject({ state: 'done', done: 8, total: 8, message: '3 ok, 1 no detection, 1 low confidence, 3 error' })
    const v = (k: keyof typeof ids) => verdict(ids[k], 'foreign-face')!
    expect(JSON.parse(v('red').attributes)).toEqual({ gender: 'female', race: 'white' })
    expect(JSON.parse(v('blue').attributes)).toEqual({ gender: 'male', race: 'white' })
    // Neither "East Asian" nor "Southeast Asian" alone reaches 0.7; their sum, the project's "asian", does.
    expect(v('yellow')).toMatchObject({ status: 'ok' })
    expect(JSON.parse(v('yellow').attributes)).toEqual({ gender: 'female', race: 'asian' })
    expect(v('grey')).toMatchObject({ status: 'low_confidence' })
    expect(v('grey').confidence).toBeCloseTo(0.5, 3)
    expect(v('black')).toMatchObject({ status: 'no_detection', attributes: '{}' })
    for (const k of ['garbage', 'empty', 'missing'] as const) expect(v(k)).toMatchObject({ status: 'error', attributes: '{}', confidence: null })

    const [summary] = service.summary(projectId)
    expect(summary).toMatchObject({ classifierId: 'foreign-face', classifierVersion: '0.0.89-test', unclassified: 0, counts: { ok: 3, no_detection: 1, low_confidence: 1, error: 3 } })
    expect(summary.axes).toEqual([
      {
        axis: 'gender',
        counts: [
          { cls: 'female', count: 2 },
          { cls: 'male', count: 1 }
        ]
      },
      {
        axis: 'race',
        counts: [
          { cls: 'asian', count: 1 },
          { cls: 'white', count: 2 }
        ]
      }
    ])
  })

  it('refuses mappings that do not fit the taxonomy or the model, naming the problem', async () => {
    const bad = (patch: object, name: string): string => writeForeignClassifier(tmp.dir, { ...foreignMapping, ...patch, model: 'foreign.onnx', id: name })
    const heads = foreignMapping.heads
    const fails = (mappingPath: string) => {
      try {
        service.start(projectId, { classifier: { mappingPath } })
      } catch (e) {
        expect(e).toBeInstanceOf(ApiFailure)
        return (e as Error).message
      }
      throw new Error('expected a failure')
    }
    expect(fails(bad({ heads: [{ ...heads[0], map: { Man: 'male', Woman: 'femme' } }] }, 'a'))).toMatch(/"Woman" .* maps to "femme", which is not a class of axis "gender" \(male, female\)/)
    expect(fails(bad({ heads: [{ ...heads[0], axis: 'age' }] }, 'b'))).toMatch(/predicts axis "age", but the project's axes are gender, race/)
    expect(fails(bad({ heads: [{ ...heads[0], map: { Man: 'male' } }] }, 'c'))).toMatch(/does not map label "Woman"/)
    expect(fails(bad({ heads: [{ ...heads[0], map: { Man: 'male', Woman: 'female', Child: 'male' } }] }, 'd'))).toMatch(/maps "Child", which is not one of its labels/)
    expect(fails(bad({ input: { ...foreignMapping.input, layout: 'CHW' } }, 'e'))).toMatch(/input\.layout/)
    expect(fails(bad({ formatVersion: 3 }, 'f'))).toMatch(/formatVersion must be 1 or 2/)
    // One refusal for every caller of a classifier choice (classifier/open.ts): the words reports always used.
    expect(fails(path.join(tmp.dir, 'nope.json'))).toMatch(/classifier mapping file not found: .*nope\.json/)
    writeFileSync(path.join(tmp.dir, 'broken.json'), '{ not json')
    expect(fails(path.join(tmp.dir, 'broken.json'))).toMatch(/not valid JSON/)
    // An output the model does not have is found when the job loads the model: the job fails, saying so.
    addImage(await solidPng(path.join(tmp.dir, 'red.png'), [255, 0, 0]))
    const job = await runJob({ classifier: { mappingPath: bad({ heads: [{ ...heads[0], output: 'gender_probs' }] }, 'g') } })
    expect(job.state).toBe('failed')
    expect(job.error).toMatch(/names output "gender_probs" but the model only has: gender_logits, race_logits, face_logit/)
  })

  it('refuses a mapping whose model file lies outside the mapping folder', () => {
    writeForeignClassifier(tmp.dir)
    const pkg = path.join(tmp.dir, 'pkg')
    mkdirSync(pkg)
    for (const model of ['../foreign.onnx', path.join(tmp.dir, 'foreign.onnx')]) {
      const mappingPath = path.join(pkg, 'mapping.json')
      writeFileSync(mappingPath, JSON.stringify({ ...foreignMapping, model }))
      expect(() => service.start(projectId, { classifier: { mappingPath } })).toThrow(/classifier model file refused .*outside its root folder/)
    }
  })

  it('fails the job with a clear message when a head gives logits but the mapping says probabilities', async () => {
    addImage(await solidPng(path.join(tmp.dir, 'red.png'), [255, 0, 0]))
    const mappingPath = writeForeignClassifier(tmp.dir, { ...foreignMapping, heads: [{ ...foreignMapping.heads[0], activation: 'none' }] })
    const job = await runJob({ classifier: { mappingPath } })
    expect(job.state).toBe('failed')
    expect(job.error).toMatch(/"gender_logits" is not a probability vector .*set the head's activation to "softmax"/)
  })

  it('resumes after a shutdown mid-job and classifies each image exactly once', async () => {
    start(2)
    const mappingPath = writeForeignClassifier(tmp.dir)
    const colours: [number, number, number][] = [
      [255, 0, 0],
      [0, 0, 255],
      [0, 0, 0],
      [128, 128, 128],
      [255, 255, 0],
      [200, 0, 10],
      [10, 0, 200]
    ]
    for (const [i, c] of colours.entries()) addImage(await solidPng(path.join(tmp.dir, `c${i}.png`), c))
    const job = service.start(projectId, { classifier: { mappingPath } })
    // Stop as soon as the first batch is committed (as a quit or crash would).
    await new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        if (events.some((e) => e.id === job.id && e.done >= 2)) {
          clearInterval(timer)
          resolve()
        }
      }, 1)
    })
    await runner.shutdown()
    const stopped = ws.jobs.get(job.id)!
    expect(stopped.state).toBe('running')
    const written = (ws.db.prepare('SELECT count(*) AS n FROM image_classifications').get() as { n: number }).n
    expect(written).toBeGreaterThanOrEqual(2)
    expect(written).toBeLessThan(colours.length)
    // Images imported after the start are not part of this job.
    addImage(await solidPng(path.join(tmp.dir, 'late.png'), [255, 0, 0], 16))

    start(2)
    expect(runner.resumePending().map((j) => j.id)).toEqual([job.id])
    await runner.idle()
    expect(runner.get(job.id)).toMatchObject({ state: 'done', done: 7, total: 7, message: '5 ok, 1 no detection, 1 low confidence, 0 error' })
    expect((ws.db.prepare('SELECT count(*) AS n FROM image_classifications').get() as { n: number }).n).toBe(7)
    // A second job picks up only the late image.
    const again = await runJob({ classifier: { mappingPath } })
    expect(again).toMatchObject({ state: 'done', total: 8, done: 8 })
    expect(service.summary(projectId)[0].counts.ok).toBe(6)
  })
})

describe('classification job with the built-in world classifier (the default)', () => {
  it('classifies a rendered figure, and gives no_detection for a non-figure and a blank image', async () => {
    const figure = path.join(tmp.dir, 'figure.png')
    writeFileSync(figure, await encodePng(renderFigure({ concept: 'doctor', silhouette: 'angular', tone: 'olive' }, 3), 16))
    const noFigure = new Float32Array(16 * 16 * 3)
    renderEmptyInto(noFigure, 0, new Rng(5))
    const empty = path.join(tmp.dir, 'no-figure.png')
    writeFileSync(empty, await encodePng(noFigure, 16))
    const ids = [addImage(figure), addImage(empty), addImage(await solidPng(path.join(tmp.dir, 'white.png'), [255, 255, 255], 64))]
    const job = await runJob({})
    expect(job.state).toBe('done')
    expect(verdict(ids[0], 'popalign-world-classifier')).toMatchObject({ status: 'ok', attributes: JSON.stringify({ silhouette: 'angular', tone: 'olive' }) })
    expect(verdict(ids[1], 'popalign-world-classifier')).toMatchObject({ status: 'no_detection' })
    expect(verdict(ids[2], 'popalign-world-classifier')).toMatchObject({ status: 'no_detection' })
  })

  it('checks a prompt belongs to the project', () => {
    expect(() => service.start(projectId, { promptId: 999 })).toThrow(/prompt 999 does not exist in project/)
    expect(() => service.start(999, {})).toThrow(/project 999 does not exist/)
  })
})
