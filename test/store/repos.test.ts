import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { AxisError } from '../../src-main/core/store/repos/axes'
import { JudgementConflict } from '../../src-main/core/store/repos/judgements'
import { SetMembershipError } from '../../src-main/core/store/repos/sets'
import type { Workspace } from '../../src-main/core/store/open'
import { addImages, fakeSha, openTempWorkspace } from './fixtures'

describe('repositories', () => {
  let t: ReturnType<typeof openTempWorkspace>
  let ws: Workspace
  beforeEach(() => {
    t = openTempWorkspace()
    ws = t.ws
  })
  afterEach(() => t.dispose())

  it('projects: create, get, list; unknown id is null', () => {
    const p = ws.projects.create('Doctors', 'gender audit')
    expect(p).toMatchObject({ name: 'Doctors', description: 'gender audit' })
    expect(p.createdAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/)
    expect(ws.projects.get(p.id)).toEqual(p)
    expect(ws.projects.get(999)).toBeNull()
    expect(ws.projects.list().map((x) => x.name)).toEqual(['Doctors'])
  })

  it('prompts: ensure is find-or-create, links specific prompts, counts images', () => {
    const p = ws.projects.create('p')
    const neutral = ws.prompts.ensure({ projectId: p.id, text: 'a doctor' })
    expect(ws.prompts.ensure({ projectId: p.id, text: 'a doctor' }).id).toBe(neutral.id)
    const specific = ws.prompts.ensure({ projectId: p.id, text: 'a female doctor', kind: 'specific', neutralPromptId: neutral.id })
    expect(specific).toMatchObject({ kind: 'specific', neutralPromptId: neutral.id, imageCount: 0 })
    addImages(ws, p.id, neutral.id, 3)
    expect(ws.prompts.list(p.id).map((x) => [x.text, x.imageCount])).toEqual([
      ['a doctor', 3],
      ['a female doctor', 0]
    ])
  })

  it('axes: upsert by name, normalise the ideal, reject mismatched ideals and duplicate classes', () => {
    const p = ws.projects.create('p')
    const a = ws.axes.save(p.id, 'axis-2', ['x', 'y'], null)
    expect(a.ideal).toBeNull()
    const b = ws.axes.save(p.id, 'axis-2', ['x', 'y'], [1, 3])
    expect(b.id).toBe(a.id)
    expect(b.ideal).toEqual([0.25, 0.75])
    expect(() => ws.axes.save(p.id, 'bad', ['x', 'y'], [1])).toThrow(AxisError)
    expect(() => ws.axes.save(p.id, 'bad', ['x', 'x'], null)).toThrow(/twice/)
    expect(() => ws.axes.save(p.id, 'bad', ['x', 'y'], [0, 0])).toThrow(/positive sum/)
    expect(ws.axes.list(p.id)).toHaveLength(1)
  })

  it('images: duplicates by hash are reported, lists page, imageFile serves full and thumb roots', () => {
    const p = ws.projects.create('p')
    const pr = ws.prompts.ensure({ projectId: p.id, text: 't' })
    const [first] = addImages(ws, p.id, pr.id, 5)
    const dup = ws.images.add({ projectId: p.id, promptId: pr.id, sha256: fakeSha(`${p.id}/${pr.id}/0`), filePath: '/elsewhere/copy.png', rootPath: '/elsewhere', width: 1, height: 1, bytes: 1 })
    expect(dup).toMatchObject({ duplicate: true, image: { id: first, filePath: '/data/import/p1/img_0.png' } })
    const listed = ws.images.list(p.id, { promptId: pr.id, offset: 1, limit: 2 })
    expect(listed.total).toBe(5)
    expect(listed.items.map((i) => i.seed)).toEqual([1, 2])
    expect(ws.images.imageFile(first, 'full')).toEqual({ path: '/data/import/p1/img_0.png', root: '/data/import' })
    expect(ws.images.imageFile(first, 'thumb')).toBeNull()
    ws.images.setThumb(first, `${ws.thumbDir}/ab.webp`)
    expect(ws.images.imageFile(first, 'thumb')).toEqual({ path: `${ws.thumbDir}/ab.webp`, root: ws.thumbDir })
    expect(ws.images.imageFile(12345, 'full')).toBeNull()
  })

  it('sets: ordered members, all of one prompt and project, created atomically', () => {
    const p = ws.projects.create('p')
    const pr1 = ws.prompts.ensure({ projectId: p.id, text: 'one' })
    const pr2 = ws.prompts.ensure({ projectId: p.id, text: 'two' })
    const imgs1 = addImages(ws, p.id, pr1.id, 4)
    const imgs2 = addImages(ws, p.id, pr2.id, 2)
    const s = ws.sets.create(p.id, pr1.id, 'manual', [imgs1[3], imgs1[0], imgs1[2]])
    expect(s.imageIds).toEqual([imgs1[3], imgs1[0], imgs1[2]])
    expect(() => ws.sets.create(p.id, pr1.id, 'manual', [imgs1[0], imgs2[0]])).toThrow(SetMembershipError)
    expect(() => ws.sets.create(p.id, pr1.id, 'manual', [imgs1[0], imgs1[0]])).toThrow(/twice/)
    expect(() => ws.sets.create(p.id, pr1.id, 'manual', [999])).toThrow(/not in project/)
    expect(ws.sets.list(p.id)).toHaveLength(1) // the failed creations left nothing behind
    expect(ws.db.prepare('SELECT count(*) FROM set_members').pluck().get()).toBe(3)
  })

  it('pairs: unordered uniqueness, same prompt only, createAllMissing pairs the rest', () => {
    const p = ws.projects.create('p')
    const pr1 = ws.prompts.ensure({ projectId: p.id, text: 'one' })
    const pr2 = ws.prompts.ensure({ projectId: p.id, text: 'two' })
    const a = addImages(ws, p.id, pr1.id, 3)
    const b = addImages(ws, p.id, pr2.id, 3)
    const s1 = ws.sets.create(p.id, pr1.id, 'manual', [a[0]])
    const s2 = ws.sets.create(p.id, pr1.id, 'manual', [a[1]])
    const s3 = ws.sets.create(p.id, pr1.id, 'manual', [a[2]])
    const t1 = ws.sets.create(p.id, pr2.id, 'manual', [b[0]])
    const t2 = ws.sets.create(p.id, pr2.id, 'manual', [b[1]])
    expect(ws.pairs.create(s2.id, s1.id)).toMatchObject({ setA: s2.id, setB: s1.id, promptId: pr1.id })
    expect(ws.pairs.create(s1.id, s2.id)).toBeNull()
    expect(() => ws.pairs.create(s1.id, t1.id)).toThrow(/same prompt/)
    expect(ws.pairs.createAllMissing(p.id, pr1.id)).toEqual({ created: 2, unpaired: 0 }) // s1-s3, s2-s3
    expect(ws.pairs.createAllMissing(p.id)).toEqual({ created: 1, unpaired: 0 }) // t1-t2
    expect(ws.pairs.createAllMissing(p.id)).toEqual({ created: 0, unpaired: 0 })
    const keys = ws.pairs.list(p.id).map((x) => [Math.min(x.setA, x.setB), Math.max(x.setA, x.setB)].join('-'))
    expect(keys.sort()).toEqual([`${s1.id}-${s2.id}`, `${s1.id}-${s3.id}`, `${s2.id}-${s3.id}`, `${t1.id}-${t2.id}`].sort())
  })

  it('pairs: only sets of the same size; the rest are counted as unpaired, and old mixed pairs stay', () => {
    const p = ws.projects.create('p')
    const pr1 = ws.prompts.ensure({ projectId: p.id, text: 'one' })
    const pr2 = ws.prompts.ensure({ projectId: p.id, text: 'two' })
    const a = addImages(ws, p.id, pr1.id, 8)
    const b = addImages(ws, p.id, pr2.id, 8)
    // Prompt one: sizes 2, 6, 2, 6, 3 -> pairs 2-2 and 6-6; the set of 3 has no partner.
    const [two1, six1, two2, six2, three] = [a.slice(0, 2), a.slice(0, 6), a.slice(2, 4), a.slice(2, 8), a.slice(5, 8)].map((ids) => ws.sets.create(p.id, pr1.id, 'manual', ids))
    // Prompt two: sizes 2 and 6, no partner for either.
    const [t2, t6] = [b.slice(0, 2), b.slice(2, 8)].map((ids) => ws.sets.create(p.id, pr2.id, 'manual', ids))

    const before = ws.pairs.list(p.id)
    expect(() => ws.pairs.create(two1.id, six1.id)).toThrow('these two sets hold 2 and 6 images; a pair compares two sets of the same size')
    expect(() => ws.pairs.create(t6.id, t2.id)).toThrow(/hold 6 and 2 images/)
    expect(ws.pairs.list(p.id)).toEqual(before) // a refused pair saves nothing

    expect(ws.pairs.createAllMissing(p.id, pr2.id)).toEqual({ created: 0, unpaired: 2 })
    expect(ws.pairs.createAllMissing(p.id)).toEqual({ created: 2, unpaired: 3 })
    const keys = ws.pairs.list(p.id).map((x) => `${x.setA}-${x.setB}`)
    expect(keys).toEqual([`${two1.id}-${two2.id}`, `${six1.id}-${six2.id}`]) // lowest ids first, as before
    // Nothing new the second time; the unpaired count is still what it is.
    expect(ws.pairs.createAllMissing(p.id)).toEqual({ created: 0, unpaired: 3 })
    // A set of 3 more gives the odd one a partner.
    ws.sets.create(p.id, pr1.id, 'manual', a.slice(0, 3))
    expect(ws.pairs.createAllMissing(p.id, pr1.id)).toEqual({ created: 1, unpaired: 0 })
    expect(three.id).toBe(ws.pairs.list(p.id).at(-1)!.setA)

    // A pair of different sizes from an older workspace is kept and not paired again.
    ws.db.prepare('INSERT INTO set_pairs (project_id, prompt_id, set_a, set_b) VALUES (?, ?, ?, ?)').run(p.id, pr2.id, t2.id, t6.id)
    expect(ws.pairs.createAllMissing(p.id)).toEqual({ created: 0, unpaired: 2 })
    expect(ws.pairs.list(p.id)).toHaveLength(4)
  })

  it('annotators: owner and classifier are seeded', () => {
    expect(ws.annotators.owner()).toMatchObject({ name: 'owner', kind: 'human' })
    expect(ws.annotators.classifier()).toMatchObject({ name: 'classifier', kind: 'classifier' })
    const ann = ws.annotators.create('alice')
    expect(ws.annotators.get(ann.id)).toEqual(ann)
    expect(() => ws.annotators.create('alice')).toThrow(/UNIQUE/)
  })

  it('tokens: plaintext is 256-bit base64url, stored only hashed, verified, revocable', () => {
    const alice = ws.annotators.create('alice')
    const token = ws.tokens.create(alice.id, 'annotate')
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(Buffer.from(token, 'base64url')).toHaveLength(32)
    const stored = ws.db.prepare('SELECT token_sha256 FROM annotator_tokens').pluck().all() as string[]
    expect(stored).toHaveLength(1)
    expect(stored[0]).not.toContain(token)
    expect(ws.tokens.verify(token)).toEqual({ annotatorId: alice.id, scope: 'annotate', projects: [] })
    const flipped = (token[0] === 'A' ? 'B' : 'A') + token.slice(1)
    expect(ws.tokens.verify(flipped)).toBeNull()
    expect(ws.tokens.verify('')).toBeNull()
    expect(ws.tokens.verify(`${token}x`)).toBeNull()
    expect(ws.tokens.create(alice.id, 'annotate')).not.toBe(token)
    expect(ws.tokens.revoke(token)).toBe(true)
    expect(ws.tokens.verify(token)).toBeNull()
    expect(ws.tokens.revoke(token)).toBe(false)
    expect(ws.tokens.revokeAllFor(alice.id)).toBe(1)
  })

  it('judgements: idempotent record, one live decision per pair, undo marks instead of deleting', () => {
    const p = ws.projects.create('p')
    const pr = ws.prompts.ensure({ projectId: p.id, text: 't' })
    const imgs = addImages(ws, p.id, pr.id, 3)
    for (const id of imgs) ws.sets.create(p.id, pr.id, 'manual', [id])
    ws.pairs.createAllMissing(p.id)
    const owner = ws.annotators.owner().id
    const [p1, p2] = ws.pairs.list(p.id)
    const base = { annotatorId: owner, criterion: 'fairness' as const, shownLeft: 'b' as const, responseMs: 1200 }
    const first = ws.judgements.record({ ...base, pairId: p1.id, choice: 'a', idempotencyKey: 'key-00000001' })
    expect(first.replayed).toBe(false)
    const retry = ws.judgements.record({ ...base, pairId: p1.id, choice: 'a', idempotencyKey: 'key-00000001' })
    expect(retry).toEqual({ judgement: first.judgement, replayed: true })
    expect(() => ws.judgements.record({ ...base, pairId: p1.id, choice: 'b', idempotencyKey: 'key-00000002' })).toThrow(JudgementConflict)
    expect(() => ws.judgements.record({ ...base, pairId: p2.id, choice: 'b', idempotencyKey: 'key-00000001' })).toThrow(/different decision/)
    expect(ws.judgements.progress(owner, p.id, 'fairness')).toEqual({ done: 1, total: 3 })
    expect(ws.judgements.progress(owner, p.id, 'quality')).toEqual({ done: 0, total: 3 })
    expect(ws.judgements.nextUnjudgedPair(owner, p.id, 'fairness')).toBe(p2.id)

    ws.judgements.record({ ...base, pairId: p2.id, choice: 'tie', idempotencyKey: 'key-00000003' })
    const undone = ws.judgements.undoLatest(owner, p.id, 'fairness')
    expect(undone).toMatchObject({ pairId: p2.id, choice: 'tie' })
    expect(undone!.undoneAt).not.toBeNull()
    expect(ws.judgements.undoLatest(owner, p.id, 'fairness')).toMatchObject({ pairId: p1.id })
    expect(ws.judgements.undoLatest(owner, p.id, 'fairness')).toBeNull()
    expect(ws.judgements.listForProject(p.id)).toHaveLength(2) // audit trail kept
    expect(ws.judgements.progress(owner, p.id, 'fairness')).toEqual({ done: 0, total: 3 })
    // after undo, the pair can be judged again
    expect(ws.judgements.record({ ...base, pairId: p1.id, choice: 'b', idempotencyKey: 'key-00000004' }).replayed).toBe(false)
  })

  it('jobs and import ledger: patch, resume pending files, report failures', () => {
    const p = ws.projects.create('p')
    const job = ws.jobs.create({ projectId: p.id, kind: 'import', payload: { folder: '/x' } })
    expect(job).toMatchObject({ state: 'queued', done: 0, total: 0, payload: { folder: '/x' } })
    const running = ws.jobs.update(job.id, { state: 'running', total: 3 })
    expect(running).toMatchObject({ state: 'running', total: 3, payload: { folder: '/x' } })
    expect(ws.jobs.inStates(['running']).map((j) => j.id)).toEqual([job.id])
    expect(() => ws.jobs.update(999, { state: 'done' })).toThrow(/does not exist/)

    expect(ws.importFiles.add(job.id, ['a.png', 'b.png', 'c.jpg'])).toBe(3)
    expect(ws.importFiles.add(job.id, ['a.png', 'd.webp'])).toBe(1)
    const [a, b] = ws.importFiles.pending(job.id)
    const [img] = addImages(ws, p.id, ws.prompts.ensure({ projectId: p.id, text: 't' }).id, 1)
    ws.importFiles.mark(a.id, 'imported', { imageId: img })
    ws.importFiles.mark(b.id, 'failed', { reason: 'truncated PNG' })
    expect(() => ws.importFiles.mark(b.id, 'failed')).toThrow(/reason/)
    expect(ws.importFiles.pending(job.id).map((f) => f.relPath)).toEqual(['c.jpg', 'd.webp'])
    expect(ws.importFiles.report(job.id)).toEqual({ jobId: job.id, imported: 1, duplicates: 0, failures: [{ file: 'b.png', reason: 'truncated PNG' }] })
  })
})
