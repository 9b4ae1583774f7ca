// Rename and delete (issue 10, housekeeping) through the real dispatcher over a real SQLite workspace:
// duplicate project names are refused, a delete that would erase recorded decisions is refused with
// the reason, what may go is removed consistently (no orphan pairs or members), a deleted project is
// hidden but its decisions stay, every action is in the housekeeping log, and numbers never shift.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { contract, type MethodName, type Output } from '@shared/contract'
import { dispatch, type CallContext, type Handlers } from '../../../src-main/core/api/dispatch'
import type { Workspace } from '../../../src-main/core/store/open'
import { runDirOf } from '../../../src-main/core/features/models/paths'
import { workspaceOnlyHandlers } from '../../api/handlers/workspace-handlers'
import { addImages, openTempWorkspace } from '../../store/fixtures'

describe('housekeeping: rename and delete', () => {
  let t: ReturnType<typeof openTempWorkspace>
  let ws: Workspace
  let handlers: Handlers
  let owner: CallContext

  async function call<M extends MethodName>(method: M, payload: unknown): Promise<Output<M>> {
    const result = await dispatch(handlers, method, payload, owner)
    if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`)
    return contract[method].output.parse(result.value) as Output<M>
  }
  async function failure(method: MethodName, payload: unknown) {
    const result = await dispatch(handlers, method, payload, owner)
    if (result.ok) throw new Error(`${method} unexpectedly succeeded`)
    return result.error
  }
  const count = (table: string) => ws.db.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number

  async function projectWithPairs(name = 'Doctors') {
    const project = await call('projects.create', { name })
    const prompt = ws.prompts.ensure({ projectId: project.id, text: 'a doctor' })
    addImages(ws, project.id, prompt.id, 6)
    const sets = await call('sets.createRandom', { projectId: project.id, promptId: prompt.id, k: 2, count: 3, seed: 7 })
    await call('pairs.createAll', { projectId: project.id })
    return { project, prompt, sets }
  }

  beforeEach(() => {
    t = openTempWorkspace()
    ws = t.ws
    ;({ handlers, owner } = workspaceOnlyHandlers(ws))
  })
  afterEach(() => t.dispose())

  it('refuses a duplicate project name on create and on rename (case and spaces ignored)', async () => {
    const a = await call('projects.create', { name: 'Doctors' })
    expect(await failure('projects.create', { name: ' doctors ' })).toEqual({ code: 'conflict', message: 'a project called "doctors" already exists; choose another name' })
    const b = await call('projects.create', { name: 'Nurses' })
    expect((await failure('projects.rename', { projectId: b.id, name: 'DOCTORS' })).code).toBe('conflict')
    expect((await call('projects.rename', { projectId: a.id, name: 'Doctors 2024' })).name).toBe('Doctors 2024')
    // The freed name can be used again.
    expect((await call('projects.create', { name: 'Doctors' })).name).toBe('Doctors')
  })

  it('numbers sets per project, and a deletion never shifts the numbers of the others', async () => {
    const { project, sets } = await projectWithPairs()
    const other = await projectWithPairs('Other')
    expect(sets.map((s) => s.number)).toEqual([1, 2, 3])
    expect(other.sets.map((s) => s.number)).toEqual([1, 2, 3])
    await call('sets.delete', { setId: sets[1].id })
    expect((await call('sets.list', { projectId: project.id })).map((s) => s.number)).toEqual([1, 3])
    const p = ws.prompts.list(project.id)[0]
    const [next] = await call('sets.createRandom', { projectId: project.id, promptId: p.id, k: 2, count: 1, seed: 1 })
    expect(next.number).toBe(4)
  })

  it('deletes an unlabelled set with its pairs, and says so first', async () => {
    const { project, sets } = await projectWithPairs()
    expect(await call('housekeeping.impact', { entity: 'set', id: sets[0].id })).toEqual({ blockers: [], removes: ['the set', '2 unlabelled pairs it is in'], keeps: ['its images'] })
    await call('sets.delete', { setId: sets[0].id })
    expect((await call('pairs.list', { projectId: project.id })).length).toBe(1)
    expect(ws.db.prepare('SELECT count(*) FROM set_members WHERE set_id = ?').pluck().get(sets[0].id)).toBe(0)
    expect(count('images')).toBe(6)
    expect(ws.integrityCheck()).toEqual(['ok'])
    expect((await failure('sets.delete', { setId: sets[0].id })).code).toBe('not_found')
  })

  it('refuses to delete a set or prompt with recorded decisions, naming why, and keeps everything', async () => {
    const { project, prompt, sets } = await projectWithPairs()
    const next = (await call('label.next', { projectId: project.id }))!
    await call('label.judge', { pairId: next.pair.id, criterion: 'fairness', choice: 'a', shownLeft: next.shownLeft, responseMs: 500, idempotencyKey: 'k-000000001' })
    const judged = next.setA.id
    const refused = await failure('sets.delete', { setId: judged })
    expect(refused.code).toBe('conflict')
    expect(refused.message).toBe(`Set ${sets.find((s) => s.id === judged)!.number} cannot be deleted: 1 decision was recorded on pairs with this set; they stay for the audit trail`)
    expect((await failure('prompts.delete', { promptId: prompt.id })).message).toBe('prompt "a doctor" cannot be deleted: 1 decision was recorded on its pairs; they stay for the audit trail')
    expect(count('judgements')).toBe(1)
    expect(count('image_sets')).toBe(3)
  })

  it('deletes a prompt with its images, sets and pairs, but leaves image files alone', async () => {
    const { project, prompt } = await projectWithPairs()
    const keep = ws.prompts.ensure({ projectId: project.id, text: 'a nurse' })
    addImages(ws, project.id, keep.id, 2, '/data/nurses')
    const impact = await call('housekeeping.impact', { entity: 'prompt', id: prompt.id })
    expect(impact).toEqual({ blockers: [], removes: ['the prompt', '6 images from the project (image files on disk are not touched)', '3 sets', '3 unlabelled pairs'], keeps: [] })
    await call('prompts.delete', { promptId: prompt.id })
    expect((await call('prompts.list', { projectId: project.id })).map((p) => p.text)).toEqual(['a nurse'])
    expect([count('images'), count('image_sets'), count('set_pairs'), count('set_members')]).toEqual([2, 0, 0, 0])
    expect(ws.integrityCheck()).toEqual(['ok'])
  })

  it('refuses to delete a neutral prompt while identity-specific prompts belong to it', async () => {
    const project = await call('projects.create', { name: 'P' })
    const neutral = ws.prompts.ensure({ projectId: project.id, text: 'a doctor' })
    ws.prompts.ensure({ projectId: project.id, text: 'a female doctor', kind: 'specific', neutralPromptId: neutral.id })
    expect((await failure('prompts.delete', { promptId: neutral.id })).message).toMatch(/1 identity-specific prompt belongs to it: delete that first/)
  })

  it('renames a prompt, refusing text another prompt of the project has', async () => {
    const { project, prompt } = await projectWithPairs()
    ws.prompts.ensure({ projectId: project.id, text: 'a nurse' })
    expect((await failure('prompts.rename', { promptId: prompt.id, text: 'a nurse' })).message).toBe('this project already has the prompt "a nurse"')
    expect((await call('prompts.rename', { promptId: prompt.id, text: 'a physician' })).text).toBe('a physician')
  })

  it('a deleted project disappears from lists and calls, but its decisions stay; the log says who did what', async () => {
    const { project } = await projectWithPairs()
    const next = (await call('label.next', { projectId: project.id }))!
    await call('label.judge', { pairId: next.pair.id, criterion: 'fairness', choice: 'b', shownLeft: next.shownLeft, responseMs: 500, idempotencyKey: 'k-000000002' })
    expect((await call('housekeeping.impact', { entity: 'project', id: project.id })).keeps).toEqual(['its 1 recorded decision, images and runs, in the workspace for the audit trail'])
    await call('projects.rename', { projectId: project.id, name: 'Doctors (old)' })
    const log = await call('housekeeping.log', { projectId: project.id })
    await call('projects.delete', { projectId: project.id })
    expect(await call('projects.list', {})).toEqual([])
    expect((await failure('sets.list', { projectId: project.id })).code).toBe('not_found')
    expect(count('judgements')).toBe(1)
    expect(log).toMatchObject([{ entity: 'project', action: 'rename', before: 'Doctors', after: 'Doctors (old)', by: 'owner' }])
    expect(ws.db.prepare("SELECT before FROM housekeeping_log WHERE action = 'delete'").pluck().all()).toEqual(['Doctors (old)'])
    // Its name is free for a new project.
    expect((await call('projects.create', { name: 'Doctors (old)' })).id).not.toBe(project.id)
  })

  it('refuses to delete a project while one of its jobs runs', async () => {
    const project = await call('projects.create', { name: 'P' })
    const job = ws.jobs.create({ projectId: project.id, kind: 'import' })
    ws.jobs.update(job.id, { state: 'running' })
    expect((await failure('projects.delete', { projectId: project.id })).message).toBe('project "P" cannot be deleted: 1 job of this project is still running or paused: cancel or finish it first')
  })

  it('names and deletes a run (with its folder); refuses while it runs or when images were sampled from it', async () => {
    const project = await call('projects.create', { name: 'P' })
    const first = ws.jobs.create({ projectId: project.id, kind: 'train', payload: { init: { model: 'base' } } })
    const second = ws.jobs.create({ projectId: project.id, kind: 'train', payload: { init: { model: 'base' } } })
    expect([first.number, second.number]).toEqual([1, 2])
    await call('runs.rename', { runId: second.id, name: 'constant weighting' })
    expect(ws.jobs.get(second.id)!.name).toBe('constant weighting')
    ws.jobs.update(second.id, { state: 'running' })
    expect((await failure('runs.delete', { runId: second.id })).message).toBe('constant weighting cannot be deleted: the run is still going or paused: cancel it first')
    ws.jobs.update(second.id, { state: 'done' })
    const prompt = ws.prompts.ensure({ projectId: project.id, text: 'a doctor' })
    const [imageId] = addImages(ws, project.id, prompt.id, 1)
    ws.db.prepare('UPDATE images SET generator = ? WHERE id = ?').run(`popalign-studio/run:${second.id}@200`, imageId)
    expect((await failure('runs.delete', { runId: second.id })).message).toMatch(/1 image was sampled from it and name it as their model/)
    const dir = runDirOf(dirname(ws.file), first.id)
    mkdirSync(dir, { recursive: true })
    writeFileSync(join(dir, 'metrics.jsonl'), '')
    ws.jobs.update(first.id, { state: 'done' })
    await call('runs.delete', { runId: first.id })
    expect(ws.jobs.get(first.id)).toBeNull()
    expect(existsSync(dir)).toBe(false)
    const third = ws.jobs.create({ projectId: project.id, kind: 'train' })
    expect(third.number).toBe(3)
  })
})
