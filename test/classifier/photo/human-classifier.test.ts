// The built-in photo classifier on real photos with known answers (test/fixtures/photos/SOURCES.md):
// faces found or not, the attribute verdicts the models give pinned (including the ones that are
// wrong: they are the models' known limits, and a change in them is a change of lineage), several
// faces judged by the largest, no network at any point, and the classification job counting every
// no-face image under the classifier's id and version.
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import sharp from 'sharp'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { createClassifyService, type ClassifyService } from '../../../src-main/core/classifier/classify-job'
import { MappingError } from '../../../src-main/core/classifier/mapping-file'
import { openWorkspace, type Workspace } from '../../../src-main/core/store/open'
import { createJobRunner, type JobRunner } from '../../../src-main/core/jobs/runner'
import { installedHumanVersion } from '../../../src-main/core/classifier/photo/any-mapping'
import { HumanPhotoClassifier, judgeFaces } from '../../../src-main/core/classifier/photo/human-classifier'
import { parsePhotoMapping } from '../../../src-main/core/classifier/photo/mapping'
import { openClassifier } from '../../../src-main/core/classifier/open'
import { toVerdict } from '../../../src-main/core/classifier/verdict-store'
import { lineageRows } from '../../../src-main/shared/audit/lineage-rows'
import { tempDir } from '../../store/helpers'
import { RESOURCES_DIR } from '../../helpers/config'

const root = path.resolve(__dirname, '../../..')
const photos = path.join(root, 'test/fixtures/photos')
const photo = (name: string) => path.join(photos, name)
const GEAR = path.join(root, 'resources/photo-classifier/human-gear.mapping.json')
const FACERES = path.join(root, 'resources/photo-classifier/human-faceres.mapping.json')
const FILES = ['astronaut.jpg', 'grace_hopper.jpg', 'coffee.jpg', 'chelsea.jpg'].map(photo)

let tmp: ReturnType<typeof tempDir>
let gear: HumanPhotoClassifier
let faceres: HumanPhotoClassifier
let fetchCalls = 0
const realFetch = globalThis.fetch

beforeAll(async () => {
  tmp = tempDir('photo-classifier-')
  // Any network access at load or run time would show here (and fail: nothing is reachable).
  globalThis.fetch = vi.fn(async () => {
    fetchCalls++
    throw new Error('network access is not allowed')
  })
  gear = await HumanPhotoClassifier.load(GEAR)
  faceres = await HumanPhotoClassifier.load(FACERES)
})
afterAll(() => {
  globalThis.fetch = realFetch
  tmp.cleanup()
})

const brief = (v: { status: string; attributes: Record<string, string>; confidence: number | null }) => ({
  status: v.status,
  attributes: v.attributes,
  confidence: v.confidence === null ? null : Math.round(v.confidence * 100) / 100
})

describe('photo classifier on real photos', () => {
  it('finds the faces, counts the no-face photos and gives the pinned GEAR verdicts', async () => {
    const v = (await gear.classifyFiles(FILES)).map(toVerdict).map(brief)
    // Eileen Collins is perceived as male by GEAR (0.81): a known limit, pinned so a change shows.
    expect(v[0]).toEqual({ status: 'ok', attributes: { gender: 'male', ethnicity: 'white' }, confidence: 0.81 })
    expect(v[1]).toEqual({ status: 'low_confidence', attributes: { gender: 'female', ethnicity: 'other' }, confidence: 0.59 })
    expect(v[2]).toEqual({ status: 'no_detection', attributes: {}, confidence: 0 })
    // The detector takes Chelsea the cat's face for a face (BlazeFace score 0.83): the verdict is unsure.
    expect(v[3]).toEqual({ status: 'low_confidence', attributes: { gender: 'female', ethnicity: 'white' }, confidence: 0.54 })
    expect(gear.id).toBe('human-gear')
    expect(gear.version).toBe(`1+human-${installedHumanVersion()}`)
  })

  it('gives the pinned faceres verdicts (the second opinion on gender)', async () => {
    const v = (await faceres.classifyFiles(FILES)).map(toVerdict).map(brief)
    expect(v).toEqual([
      { status: 'ok', attributes: { gender: 'male' }, confidence: 0.64 },
      { status: 'ok', attributes: { gender: 'male' }, confidence: 0.79 },
      { status: 'no_detection', attributes: {}, confidence: 0 },
      { status: 'ok', attributes: { gender: 'female' }, confidence: 0.71 }
    ])
  })

  it('judges a photo with several faces by the largest and says so', async () => {
    // Grace Hopper at full size beside the astronaut at a third of hers: two faces, hers the larger.
    const small = await sharp(photo('astronaut.jpg')).resize(170, 170).toBuffer()
    const both = path.join(tmp.dir, 'two-faces.png')
    await sharp({ create: { width: 700, height: 512, channels: 3, background: [255, 255, 255] } })
      .composite([
        { input: photo('grace_hopper.jpg'), left: 0, top: 0 },
        { input: small, left: 520, top: 40 }
      ])
      .png()
      .toFile(both)
    const [v] = (await gear.classifyFiles([both])).map(toVerdict)
    expect(v.detail).toMatch(/^2 faces; the largest \(\d+x\d+ px, score 0\.\d\d\) is judged/)
    expect(v.attributes.gender).toBe('female')
  })

  it('gives unreadable files an error verdict, never a throw', async () => {
    const garbage = path.join(tmp.dir, 'garbage.jpg')
    writeFileSync(garbage, 'not an image')
    const empty = path.join(tmp.dir, 'empty.jpg')
    writeFileSync(empty, '')
    const v = (await gear.classifyFiles([garbage, empty, path.join(tmp.dir, 'missing.jpg')])).map(toVerdict)
    expect(v.map((x) => x.status)).toEqual(['error', 'error', 'error'])
    expect(v[1].detail).toBe('empty file')
    expect(v[2].detail).toBe('cannot read file: ENOENT')
  })

  it('never touched the network', () => {
    expect(fetchCalls).toBe(0)
  })
})

describe('photo classifier in an audit', () => {
  it("opens as the 'photo' choice and puts its notice on perceived attributes into the lineage rows", async () => {
    const c = await openClassifier('photo', RESOURCES_DIR)
    try {
      expect([c.id, c.version]).toEqual(['human-gear', `1+human-${installedHumanVersion()}`])
      expect(c.axes).toEqual([
        { name: 'gender', classes: ['female', 'male'] },
        { name: 'ethnicity', classes: ['white', 'black', 'asian', 'indian', 'other'] }
      ])
      expect((await c.classifyFiles([photo('coffee.jpg'), photo('astronaut.jpg')])).map((r) => r.status)).toEqual(['no_detection', 'ok'])
      expect(c.notice).toMatch(/^Perceived attributes, not identity/)
      const rows = lineageRows({
        checkpoint: null,
        run: null,
        snapshot: null,
        annotators: [],
        agreement: null,
        classifier: { id: c.id, version: c.version, notice: c.notice },
        prompts: 'p',
        seeds: [],
        sampler: null,
        guidance: null
      })
      expect(rows.find((r) => r.key === 'classifier-notice')?.value).toContain('two genders only')
    } finally {
      await c.dispose()
    }
  })
})

describe('photo classifier mapping', () => {
  const base = JSON.parse(readFileSync(GEAR, 'utf8')) as Record<string, unknown> & { heads: { labels: string[]; map?: Record<string, string>; output: string }[] }

  it('maps the model labels onto the project classes through the editable map', () => {
    const m = structuredClone(base)
    m.heads[1].map = { white: 'group A', black: 'group B', asian: 'group B', indian: 'group B', other: 'group B' }
    const spec = parsePhotoMapping(m, 'test')
    expect(spec.heads[1].classes).toEqual(['group A', 'group B'])
    const faces = [
      {
        score: 0.9,
        box: [0, 0, 10, 10] as [number, number, number, number],
        gender: 'female',
        genderScore: 0.9,
        race: [
          { score: 0.4, race: 'white' },
          { score: 0.3, race: 'black' },
          { score: 0.3, race: 'asian' }
        ]
      }
    ]
    // 0.3 + 0.3 of group B beats 0.4 of group A once the labels are summed per class.
    expect(toVerdict(judgeFaces(spec, faces)).attributes).toEqual({ gender: 'female', ethnicity: 'group B' })
  })

  it("names a head whose labels are not the model's, in its order", () => {
    const m = structuredClone(base)
    m.heads[0].labels = ['male', 'female']
    expect(() => parsePhotoMapping(m, 'test')).toThrow(new MappingError("test: heads.0 (gender) must list the model's labels in its order: female, male"))
    const n = structuredClone(base)
    n.heads[1].output = 'age'
    expect(() => parsePhotoMapping(n, 'test')).toThrow(/names output "age", but gear only has: gender, race/)
  })
})

describe('photo classifier in the classification job', () => {
  let ws: Workspace
  let runner: JobRunner
  let service: ClassifyService
  let projectId: number
  beforeEach(() => {
    ws = openWorkspace(path.join(tmp.dir, `ws-${Date.now()}.sqlite`))
    runner = createJobRunner({ db: ws.db, onEvent: () => {}, throttleMs: 0 })
    service = createClassifyService({ ws, runner, resourcesDir: RESOURCES_DIR })
    projectId = ws.projects.create('photos').id
  })
  afterEach(async () => {
    await runner.shutdown()
    ws.close()
  })

  it('counts the no-face photos and records the id and version; two classifiers show their agreement', async () => {
    ws.axes.save(projectId, 'gender', ['female', 'male'], null)
    ws.axes.save(projectId, 'ethnicity', ['white', 'black', 'asian', 'indian', 'other'], null)
    const promptId = ws.prompts.ensure({ projectId, text: 'a photo of a person' }).id
    FILES.forEach((f, i) => {
      const copy = path.join(tmp.dir, `${projectId}-${i}-${path.basename(f)}`)
      copyFileSync(f, copy)
      ws.images.add({ projectId, promptId, sha256: String(i).padStart(64, '0'), filePath: copy, rootPath: tmp.dir, width: 512, height: 512, bytes: 1 })
    })
    // 'photo' is the built-in photo classifier (GEAR); faceres is chosen by its mapping path.
    for (const classifier of ['photo' as const, { mappingPath: FACERES }]) {
      const job = service.start(projectId, { classifier })
      await runner.idle()
      expect(runner.get(job.id).state).toBe('done')
    }
    const [g, f] = ['human-gear', 'human-faceres'].map((id) => service.summary(projectId).find((s) => s.classifierId === id)!)
    expect(g.classifierVersion).toBe(`1+human-${installedHumanVersion()}`)
    expect(g.counts).toEqual({ ok: 1, no_detection: 1, low_confidence: 2, error: 0 })
    expect(f.counts).toEqual({ ok: 3, no_detection: 1, low_confidence: 0, error: 0 })
    const agreement = service.agreement(projectId, { id: g.classifierId, version: g.classifierVersion }, { id: f.classifierId, version: f.classifierVersion })
    expect(agreement.detection).toEqual({ both: 3, onlyA: 0, onlyB: 0, neither: 1 })
    // Gender: both say male for the astronaut; Grace Hopper (female vs male) and the cat (female vs female).
    expect(agreement.axes).toHaveLength(1)
    expect(agreement.axes[0]).toMatchObject({ axis: 'gender', images: 3, agreed: 2 })
  })

  it('refuses a photo mapping whose axes the project does not have', () => {
    ws.axes.save(projectId, 'gender', ['woman', 'man'], null)
    expect(() => service.start(projectId, { classifier: { mappingPath: FACERES } })).toThrow(/label "female" of head "gender" maps to "female", which is not a class of axis "gender" \(woman, man\)/)
  })
})
