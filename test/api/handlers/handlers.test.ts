import { createHash } from 'node:crypto'
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { contract, methodNames, type MethodName, type Output } from '@shared/contract'
import { dispatch, type CallContext, type Handlers } from '../../../src-main/core/api/dispatch'
import type { Workspace } from '../../../src-main/core/store/open'
import { createHandlers, type ImportService, type JobControl } from '../../../src-main/core/api/handlers/handlers'
import { addImages, openTempWorkspace } from '../../store/fixtures'

/**
 * A tiny but real import service over the same workspace: it lists a folder, hashes each file and
 * records .png files as images and anything else as a failure, so the handlers can be exercised
 * without the full pipeline (which core/features/import owns and tests).
 */
function tinyImports(ws: Workspace): ImportService {
  return {
    start(projectId, folder) {
      const names = readdirSync(folder).sort()
      const job = ws.jobs.create({ projectId, kind: 'import', total: names.length, payload: { folder } })
      ws.importFiles.add(job.id, names)
      const prompt = ws.prompts.ensure({ projectId, text: 'imported prompt' })
      for (const f of ws.importFiles.pending(job.id)) {
        if (!f.relPath.endsWith('.png')) {
          ws.importFiles.mark(f.id, 'failed', { reason: 'not an image' })
          continue
        }
        const bytes = readFileSync(join(folder, f.relPath))
        const sha256 = createHash('sha256').update(bytes).digest('hex')
        const { image, duplicate } = ws.images.add({ projectId, promptId: prompt.id, sha256, filePath: join(folder, f.relPath), rootPath: folder, width: 1, height: 1, bytes: bytes.length })
        ws.importFiles.mark(f.id, duplicate ? 'duplicate' : 'imported', { imageId: image.id })
      }
      const { payload: _p, ...done } = ws.jobs.update(job.id, { state: 'done', done: names.length })
      return done
    },
    report: (jobId) => ws.importFiles.report(jobId)
  }
}

function tinyJobControl(ws: Workspace): JobControl {
  return {
    cancel(jobId) {
      const { payload: _p, ...job } = ws.jobs.update(jobId, { state: 'cancelled' })
      return job
    }
  }
}

describe('API handlers over the workspace', () => {
  let t: ReturnType<typeof openTempWorkspace>
  let ws: Workspace
  let handlers: Handlers
  let owner: CallContext

  /** Calls through the real dispatcher (schema validation, scope check) and unwraps. */
  async function call<M extends MethodName>(method: M, payload: unknown, ctx: CallContext = owner): Promise<Output<M>> {
    const result = await dispatch(handlers, method, payload, ctx, { checkOutputs: true })
    if (!result.ok) throw Object.assign(new Error(`${result.error.code}: ${result.error.message}`), { code: result.error.code })
    return contract[method].output.parse(result.value) as Output<M> // what the handler returned matches the contract
  }
  async function failure(method: MethodName, payload: unknown, ctx: CallContext = owner) {
    const result = await dispatch(handlers, method, payload, ctx, { checkOutputs: true })
    if (result.ok) throw new Error(`${method} unexpectedly succeeded`)
    return result.error
  }

  /** A project with one prompt of `n` images, `sets` random sets of 2 and every pair made. */
  async function labelledProject(n = 6, sets = 3) {
    const project = await call('projects.create', { name: 'P' })
    const prompt = ws.prompts.ensure({ projectId: project.id, text: 'a doctor' })
    addImages(ws, project.id, prompt.id, n)
    await call('sets.createRandom', { projectId: project.id, promptId: prompt.id, k: 2, count: sets, seed: 7 })
    await call('pairs.createAll', { projectId: project.id })
    return { project, prompt }
  }

  beforeEach(() => {
    t = openTempWorkspace()
    ws = t.ws
    handlers = createHandlers({ ws, imports: tinyImports(ws), jobs: tinyJobControl(ws) })
    owner = { annotatorId: ws.annotators.owner().id, scope: 'owner' }
  })
  afterEach(() => t.dispose())

  it('implements every method of the contract', () => {
    expect(Object.keys(handlers).sort()).toEqual([...methodNames].sort())
  })

  it('session.whoami names the annotator and scope', async () => {
    const alice = ws.annotators.create('alice')
    expect(await call('session.whoami', {}, { annotatorId: alice.id, scope: 'annotate' })).toEqual({ annotator: alice, scope: 'annotate' })
    expect((await failure('session.whoami', {}, { annotatorId: 999, scope: 'annotate' })).code).toBe('unauthorized')
  })

  it('projects, prompts, axes, images: create, list, and not_found for unknown ids', async () => {
    const p = await call('projects.create', { name: 'Doctors' })
    expect(p.description).toBe('')
    // The list's card carries the project's counts; a new project has none of anything yet.
    expect(await call('projects.list', {})).toEqual([{ ...p, counts: { images: 0, importsRunning: 0, labelledPairs: 0, pairs: 0, sets: 0, mine: { pairs: 0, labelledPairs: 0 } } }])
    expect(await call('projects.get', { projectId: p.id })).toEqual(p)
    expect(await failure('projects.get', { projectId: 42 })).toEqual({ code: 'not_found', message: 'project 42 does not exist' })
    const prompt = ws.prompts.ensure({ projectId: p.id, text: 'a doctor' })
    addImages(ws, p.id, prompt.id, 3)
    expect((await call('prompts.list', { projectId: p.id }))[0]).toMatchObject({ text: 'a doctor', imageCount: 3 })
    expect(await call('axes.save', { projectId: p.id, name: 'axis', classes: ['x', 'y'] })).toMatchObject({ ideal: null })
    expect((await failure('axes.save', { projectId: p.id, name: 'axis', classes: ['x', 'y'], ideal: [1, 2, 3] })).code).toBe('bad_request')
    expect(await call('axes.list', { projectId: p.id })).toHaveLength(1)
    const images = await call('images.list', { projectId: p.id, promptId: prompt.id, limit: 2 })
    expect(images.total).toBe(3)
    expect(images.items).toHaveLength(2)
    const other = await call('projects.create', { name: 'Other' })
    expect((await failure('images.list', { projectId: other.id, promptId: prompt.id })).code).toBe('not_found')
  })

  it('import.start / import.report / jobs.* go through the import and job interfaces', async () => {
    const p = await call('projects.create', { name: 'P' })
    writeFileSync(join(t.dir, 'a.png'), 'png-a')
    writeFileSync(join(t.dir, 'b.png'), 'png-a') // same bytes: a duplicate
    writeFileSync(join(t.dir, 'notes.txt'), 'hello')
    const folder = t.dir
    const started = await call('import.start', { projectId: p.id, folder })
    expect(started).toMatchObject({ kind: 'import', state: 'done' })
    const report = await call('import.report', { jobId: started.id })
    expect(report.imported).toBe(1)
    expect(report.duplicates).toBe(1)
    expect(report.failures).toEqual(expect.arrayContaining([{ file: 'notes.txt', reason: 'not an image' }]))
    expect((await call('jobs.list', { projectId: p.id })).map((j) => j.id)).toEqual([started.id])
    expect(await call('jobs.get', { jobId: started.id })).not.toHaveProperty('payload')
    expect((await call('jobs.cancel', { jobId: started.id })).state).toBe('cancelled')
    expect((await failure('jobs.cancel', { jobId: 999 })).code).toBe('not_found')
    expect((await failure('import.start', { projectId: 999, folder })).code).toBe('not_found')
    const train = ws.jobs.create({ projectId: p.id, kind: 'train' })
    expect((await failure('import.report', { jobId: train.id })).message).toMatch(/not an import/)
  })

  it('sets.createRandom is reproducible from its seed, draws distinct images, and refuses k > images', async () => {
    const p = await call('projects.create', { name: 'P' })
    const prompt = ws.prompts.ensure({ projectId: p.id, text: 'a doctor' })
    const ids = addImages(ws, p.id, prompt.id, 10)
    const first = await call('sets.createRandom', { projectId: p.id, promptId: prompt.id, k: 5, count: 3, seed: 123 })
    const again = await call('sets.createRandom', { projectId: p.id, promptId: prompt.id, k: 5, count: 3, seed: 123 })
    expect(first).toHaveLength(3)
    expect(again.map((s) => s.imageIds)).toEqual(first.map((s) => s.imageIds))
    for (const s of first) {
      expect(new Set(s.imageIds).size).toBe(5)
      expect(s.imageIds.every((id) => ids.includes(id))).toBe(true)
      expect(s.origin).toBe('random')
    }
    const other = await call('sets.createRandom', { projectId: p.id, promptId: prompt.id, k: 5, count: 3, seed: 124 })
    expect(other.map((s) => s.imageIds)).not.toEqual(first.map((s) => s.imageIds))
    const tooMany = await failure('sets.createRandom', { projectId: p.id, promptId: prompt.id, k: 11 })
    expect(tooMany).toEqual({ code: 'bad_request', message: `prompt ${prompt.id} has 10 image(s); a set of 11 needs at least 11` })
    expect(await call('sets.list', { projectId: p.id })).toHaveLength(9) // the refused call added nothing
  })

  it('sets.create takes hand-picked images of the prompt and of its identity-specific prompts only', async () => {
    const p = await call('projects.create', { name: 'P' })
    const a = ws.prompts.ensure({ projectId: p.id, text: 'a' })
    const b = ws.prompts.ensure({ projectId: p.id, text: 'b' })
    const aSpecific = ws.prompts.ensure({ projectId: p.id, text: 'a round teal', kind: 'specific', neutralPromptId: a.id })
    const ia = addImages(ws, p.id, a.id, 3)
    const ib = addImages(ws, p.id, b.id, 1)
    const is = addImages(ws, p.id, aSpecific.id, 1)
    expect((await call('sets.create', { projectId: p.id, promptId: a.id, imageIds: [ia[2], ia[0]] })).imageIds).toEqual([ia[2], ia[0]])
    expect((await call('sets.create', { projectId: p.id, promptId: a.id, imageIds: [is[0], ia[1]] })).imageIds).toEqual([is[0], ia[1]])
    const wrong = await failure('sets.create', { projectId: p.id, promptId: a.id, imageIds: [ia[0], ib[0]] })
    expect(wrong.code).toBe('bad_request')
    expect(wrong.message).toMatch(/belongs to prompt \d+, which is neither prompt/)
    // The other way round: a specific prompt's set cannot take its neutral prompt's images.
    expect((await failure('sets.create', { projectId: p.id, promptId: aSpecific.id, imageIds: [ia[0]] })).code).toBe('bad_request')
  })

  it('pairs.createAll pairs sets of the same prompt once', async () => {
    const { project } = await labelledProject(6, 4)
    expect(await call('pairs.list', { projectId: project.id })).toHaveLength(6)
    expect(await call('pairs.createAll', { projectId: project.id })).toEqual({ created: 0, unpaired: 0 })
  })

  it('pairs.createAll pairs only sets of one size and says how many sets stay unpaired', async () => {
    const { project, prompt } = await labelledProject(8, 3) // three sets of 2, paired
    const sixes = await call('sets.createRandom', { projectId: project.id, promptId: prompt.id, k: 6, count: 2, seed: 1 })
    const [odd] = await call('sets.createRandom', { projectId: project.id, promptId: prompt.id, k: 4, count: 1, seed: 2 })
    expect(await call('pairs.createAll', { projectId: project.id })).toEqual({ created: 1, unpaired: 1 })
    const pairs = await call('pairs.list', { projectId: project.id })
    expect(pairs).toHaveLength(4)
    expect(pairs.at(-1)).toMatchObject({ setA: sixes[0].id, setB: sixes[1].id })
    expect(pairs.some((p) => p.setA === odd.id || p.setB === odd.id)).toBe(false)
    for (const p of pairs) expect(ws.sets.get(p.setA)!.imageIds).toHaveLength(ws.sets.get(p.setB)!.imageIds.length)
    expect(await call('pairs.createAll', { projectId: project.id, promptId: prompt.id })).toEqual({ created: 0, unpaired: 1 })
  })

  it('label.next walks the unjudged pairs with progress and a random side', async () => {
    const { project } = await labelledProject(6, 3)
    const sides = new Set<string>()
    for (let i = 0; i < 40; i++) sides.add((await call('label.next', { projectId: project.id }))!.shownLeft)
    expect(sides).toEqual(new Set(['a', 'b'])) // P(all one side in 40 draws) = 2^-39
    const task = (await call('label.next', { projectId: project.id }))!
    expect(task.progress).toEqual({ done: 0, total: 3 })
    expect(task.promptText).toBe('a doctor')
    expect([task.setA.id, task.setB.id]).toEqual([task.pair.setA, task.pair.setB])
    for (let i = 0; i < 3; i++) {
      const next = (await call('label.next', { projectId: project.id }))!
      const { progress } = await call('label.judge', { pairId: next.pair.id, criterion: 'fairness', choice: 'a', shownLeft: next.shownLeft, responseMs: 900, idempotencyKey: `judge-key-${i}` })
      expect(progress).toEqual({ done: i + 1, total: 3 })
    }
    expect(await call('label.next', { projectId: project.id })).toBeNull()
    // quality is a separate queue; another annotator has their own queue
    expect(await call('label.next', { projectId: project.id, criterion: 'quality' })).not.toBeNull()
    const bob = { annotatorId: ws.annotators.create('bob').id, scope: 'annotate' as const }
    expect((await call('label.next', { projectId: project.id }, bob))!.progress).toEqual({ done: 0, total: 3 })
  })

  it('label.judge is idempotent on its key: a retry returns the stored judgement and adds no row', async () => {
    const { project } = await labelledProject()
    const task = (await call('label.next', { projectId: project.id }))!
    const decision = { pairId: task.pair.id, criterion: 'fairness', choice: 'tie', shownLeft: task.shownLeft, responseMs: 1500, idempotencyKey: 'retry-me-0001' }
    const first = await call('label.judge', decision)
    const retry = await call('label.judge', decision)
    expect(retry).toEqual(first)
    expect(first.judgement).toMatchObject({ choice: 'tie', shownLeft: task.shownLeft, responseMs: 1500, annotatorId: owner.annotatorId })
    expect(ws.db.prepare('SELECT count(*) FROM judgements').pluck().get()).toBe(1)
    const second = await failure('label.judge', { ...decision, idempotencyKey: 'another-key-01' })
    expect(second.code).toBe('conflict')
    expect((await failure('label.judge', { ...decision, pairId: 999, idempotencyKey: 'k-404-0001' })).code).toBe('not_found')
    expect((await failure('label.judge', { ...decision, choice: 'left' })).code).toBe('bad_request')
  })

  it('label.undo marks the latest decision undone (kept for audit) and puts the pair back in the queue', async () => {
    const { project } = await labelledProject()
    expect(await call('label.undo', { projectId: project.id })).toEqual({ undone: null, progress: { done: 0, total: 3 } })
    const t1 = (await call('label.next', { projectId: project.id }))!
    await call('label.judge', { pairId: t1.pair.id, criterion: 'fairness', choice: 'a', shownLeft: 'a', responseMs: 1, idempotencyKey: 'undo-test-1' })
    const t2 = (await call('label.next', { projectId: project.id }))!
    const j2 = await call('label.judge', { pairId: t2.pair.id, criterion: 'fairness', choice: 'b', shownLeft: 'b', responseMs: 1, idempotencyKey: 'undo-test-2' })
    const undone = await call('label.undo', { projectId: project.id })
    expect(undone).toEqual({ undone: j2.judgement, progress: { done: 1, total: 3 } })
    expect((await call('label.next', { projectId: project.id }))!.pair.id).toBe(t2.pair.id)
    expect(await call('label.progress', { projectId: project.id })).toEqual({ done: 1, total: 3 })
    const rows = ws.db.prepare('SELECT idempotency_key, undone_at IS NOT NULL AS undone FROM judgements ORDER BY id').all()
    expect(rows).toEqual([
      { idempotency_key: 'undo-test-1', undone: 0 },
      { idempotency_key: 'undo-test-2', undone: 1 }
    ])
    // another annotator's undo never touches the owner's decisions
    const bob = { annotatorId: ws.annotators.create('bob').id, scope: 'annotate' as const }
    expect((await call('label.undo', { projectId: project.id }, bob)).undone).toBeNull()
  })

  it('label.undo naming its decision is idempotent: a retry after a lost answer undoes nothing else (issue 11, finding 8)', async () => {
    const { project } = await labelledProject()
    const judge = async (key: string) => {
      const t = (await call('label.next', { projectId: project.id }))!
      return (await call('label.judge', { pairId: t.pair.id, criterion: 'fairness', choice: 'a', shownLeft: 'a', responseMs: 1, idempotencyKey: key })).judgement
    }
    const j1 = await judge('idem-undo-1')
    const j2 = await judge('idem-undo-2')
    const first = await call('label.undo', { projectId: project.id, judgementId: j2.id })
    expect(first.undone?.id).toBe(j2.id)
    // The answer was lost and the client sends the same undo again: j1 must survive.
    const retry = await call('label.undo', { projectId: project.id, judgementId: j2.id })
    expect(retry).toEqual(first)
    const live = ws.db.prepare('SELECT id FROM judgements WHERE undone_at IS NULL ORDER BY id').pluck().all()
    expect(live).toEqual([j1.id])
    // Someone else's decision, or an unknown one, is not found rather than undone.
    const bob = { annotatorId: ws.annotators.create('bob').id, scope: 'annotate' as const }
    expect((await failure('label.undo', { projectId: project.id, judgementId: j1.id }, bob)).code).toBe('not_found')
    expect((await failure('label.undo', { projectId: project.id, judgementId: 99999 })).code).toBe('not_found')
    expect(ws.db.prepare('SELECT id FROM judgements WHERE undone_at IS NULL ORDER BY id').pluck().all()).toEqual([j1.id])
  })

  it('annotate-scope sessions cannot call owner methods (dispatcher scope check)', async () => {
    const bob = { annotatorId: ws.annotators.create('bob').id, scope: 'annotate' as const }
    expect((await failure('projects.create', { name: 'x' }, bob)).code).toBe('forbidden')
  })
})
