// Agreement of two classifiers through the API (classify.agreement, outputs checked against the
// contract): the figures on verdicts built to known answers, that they move when one classifier's labels
// are damaged, and that they stay put for what they must not see (images only one classifier judged,
// another version of a classifier, another project's images, the order the two are named in).
import { createHash } from 'node:crypto'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { ClassificationStatus, ClassifierKey } from '@shared/contract'
import { createClassifyService } from '../../src-main/core/classifier/classify-job'
import { classifyStore, type StoredVerdict } from '../../src-main/core/classifier/verdict-store'
import { createHandlers } from '../../src-main/core/api/handlers/handlers'
import type { CallContext, Handlers } from '../../src-main/core/api/dispatch'
import { openWorkspace, type Workspace } from '../../src-main/core/store/open'
import { createJobRunner, type JobRunner } from '../../src-main/core/jobs/runner'
import { tempDir } from '../store/helpers'
import { apiCallers } from '../api/handlers/workspace-handlers'
import { RESOURCES_DIR } from '../helpers/config'

const N = 40
const A: ClassifierKey = { id: 'human-gear', version: '1+human-3.3.6' }
const B: ClassifierKey = { id: 'human-faceres', version: '1+human-3.3.6' }

let tmp: ReturnType<typeof tempDir>
let ws: Workspace
let runner: JobRunner
let current: { handlers: Handlers; owner: CallContext }
const { call, failure } = apiCallers(() => current)

/** The images of a new project with one prompt, by id. */
function project(name: string): { projectId: number; ids: number[] } {
  const projectId = ws.projects.create(name).id
  const promptId = ws.prompts.ensure({ projectId, text: 'a photo of a doctor' }).id
  const ids = Array.from({ length: N }, (_, i) => {
    const sha = createHash('sha256').update(`${name}-${i}`).digest('hex')
    return ws.images.add({ projectId, promptId, sha256: sha, filePath: path.join(tmp.dir, `${name}-${i}.jpg`), rootPath: tmp.dir, width: 8, height: 8, bytes: 1 }).image.id
  })
  return { projectId, ids }
}

const verdict = (status: ClassificationStatus, attributes: Record<string, string> = {}): StoredVerdict => ({ status, attributes, confidence: status === 'error' ? null : 0.9 })
const gender = (i: number): string => (i % 2 ? 'male' : 'female')
const other = (g: string): string => (g === 'male' ? 'female' : 'male')

/**
 * A: no face on images 0-2 and 5; B: no face on 3-5, unreadable 6. Where both judged, B gives A's
 * gender except on images 7, 17, 27 and 37. A also reads an axis B has no head for.
 */
function writeBoth(ids: readonly number[]): void {
  const store = classifyStore(ws.db)
  store.write(
    A,
    ids.map((imageId, i) => ({ imageId, verdict: [0, 1, 2, 5].includes(i) ? verdict('no_detection') : verdict('ok', { gender: gender(i), ethnicity: 'white' }) }))
  )
  store.write(
    B,
    ids.map((imageId, i) => ({
      imageId,
      verdict: [3, 4, 5].includes(i) ? verdict('no_detection') : i === 6 ? verdict('error') : verdict(i % 10 === 7 ? 'ok' : 'low_confidence', { gender: i % 10 === 7 ? other(gender(i)) : gender(i) })
    }))
  )
}

beforeEach(() => {
  tmp = tempDir('pair-agreement-')
  ws = openWorkspace(path.join(tmp.dir, 'ws.sqlite'))
  runner = createJobRunner({ db: ws.db, onEvent: () => {}, throttleMs: 0 })
  const refuse = (): never => {
    throw new Error('not used')
  }
  current = {
    handlers: createHandlers({ ws, imports: { start: refuse, report: refuse }, jobs: { cancel: refuse }, classify: createClassifyService({ ws, runner, resourcesDir: RESOURCES_DIR }) }),
    owner: { annotatorId: ws.annotators.owner().id, scope: 'owner' }
  }
})
afterEach(async () => {
  await runner.shutdown()
  ws.close()
  tmp.cleanup()
})

describe('classify.agreement', () => {
  it('gives the agreement built into the verdicts: detections apart, errors counted, classes on the shared axis', async () => {
    const { projectId, ids } = project('p')
    writeBoth(ids)
    const r = await call('classify.agreement', { projectId, a: A, b: B })
    expect(r.images).toBe(N)
    expect(r.errors).toBe(1)
    // onlyA: B saw no face on 3 and 4; onlyB: A saw none on 0-2; neither: 5.
    expect(r.detection).toEqual({ both: N - 7, onlyA: 2, onlyB: 3, neither: 1 })
    expect(r.axes.map((a) => a.axis)).toEqual(['gender'])
    const g = r.axes[0]
    expect(g).toMatchObject({ images: 33, agreed: 29 })
    expect(g.percentAgreement).toBeCloseTo(29 / 33, 10)
    expect(g.alpha).toBeGreaterThan(0.7)
    // Images 17 and 37 are male for A (odd), 7 and 27 too: B says female on all four.
    expect(g.table).toEqual({ female: { female: 16 }, male: { male: 13, female: 4 } })
  })

  it('moves when one classifier’s labels are damaged', async () => {
    const { projectId, ids } = project('p')
    writeBoth(ids)
    const before = (await call('classify.agreement', { projectId, a: A, b: B })).axes[0]
    // A damaged mapping: B's genders swapped on every image it judged.
    const store = classifyStore(ws.db)
    const damaged = [...store.ofProject(projectId, B)].map(([imageId, v]) => ({
      imageId,
      verdict: v.attributes.gender ? { ...v, attributes: { gender: other(v.attributes.gender) } } : v
    }))
    store.write(B, damaged)
    const after = (await call('classify.agreement', { projectId, a: A, b: B })).axes[0]
    expect(after.images).toBe(before.images)
    expect(after.agreed).toBe(before.images - before.agreed)
    expect(after.alpha).toBeLessThan(0)
    // Half-damaged: swapping a quarter of the agreeing images lowers agreement by exactly that many.
    store.write(
      B,
      damaged.map((d) => ({ imageId: d.imageId, verdict: d.verdict.attributes.gender ? { ...d.verdict, attributes: { gender: other(d.verdict.attributes.gender) } } : d.verdict }))
    )
    const agreeing = ids.filter((_id, i) => i > 6 && i % 10 !== 7).slice(0, 7)
    store.write(
      B,
      agreeing.map((imageId) => {
        const v = store.ofProject(projectId, B).get(imageId)!
        return { imageId, verdict: { ...v, attributes: { gender: other(v.attributes.gender) } } }
      })
    )
    const partly = (await call('classify.agreement', { projectId, a: A, b: B })).axes[0]
    expect(partly.agreed).toBe(before.agreed - 7)
    expect(partly.alpha!).toBeLessThan(before.alpha!)
  })

  it('stays put for changes it must not see', async () => {
    const { projectId, ids } = project('p')
    writeBoth(ids)
    const before = await call('classify.agreement', { projectId, a: A, b: B })
    const store = classifyStore(ws.db)
    // B's classes on the images A found no face on: nothing to compare them with.
    store.write(
      B,
      [0, 1, 2].map((i) => ({ imageId: ids[i], verdict: verdict('ok', { gender: other(gender(i)) }) }))
    )
    // Another version of B, opposite everywhere; and the same two classifiers, damaged, in another project.
    store.write(
      { id: B.id, version: '2' },
      ids.map((imageId, i) => ({ imageId, verdict: verdict('ok', { gender: other(gender(i)) }) }))
    )
    const elsewhere = project('q')
    writeBoth(elsewhere.ids)
    store.write(
      B,
      elsewhere.ids.map((imageId, i) => ({ imageId, verdict: verdict('ok', { gender: other(gender(i)) }) }))
    )
    expect(await call('classify.agreement', { projectId, a: A, b: B })).toEqual(before)
    // Named the other way round: the same agreement, the table transposed, onlyA and onlyB swapped.
    const swapped = await call('classify.agreement', { projectId, a: B, b: A })
    expect(swapped.detection).toEqual({ ...before.detection, onlyA: before.detection.onlyB, onlyB: before.detection.onlyA })
    expect(swapped.axes[0]).toMatchObject({ images: before.axes[0].images, agreed: before.axes[0].agreed, percentAgreement: before.axes[0].percentAgreement })
    expect(swapped.axes[0].alpha).toBeCloseTo(before.axes[0].alpha!, 12)
    expect(swapped.axes[0].table).toEqual({ female: { female: 16, male: 4 }, male: { male: 13 } })
  })

  it('refuses a project that does not exist', async () => {
    expect((await failure('classify.agreement', { projectId: 999, a: A, b: B })).message).toMatch(/project 999 does not exist/)
  })
})
