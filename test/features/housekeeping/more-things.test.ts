// Rename and delete for pairs, axes, reports and team members (issue 10, housekeeping) through the real
// dispatcher over a real SQLite workspace: what something depends on refuses the delete in words
// (decisions and snapshots on a pair, classifier verdicts on an axis, a report being built, a person's
// recorded work), nothing already saved is lost, unknown, deleted and deleted-project ids are "not
// found", a repeated call is harmless, annotator sessions are refused, and every action is logged.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { CallContext, Handlers } from '../../../src-main/core/api/dispatch'
import type { Workspace } from '../../../src-main/core/store/open'
import { reportFileOf } from '../../../src-main/core/features/reports/report-store'
import { apiCallers, workspaceOnlyHandlers } from '../../api/handlers/workspace-handlers'
import { addImages, openTempWorkspace } from '../../store/fixtures'

describe('housekeeping: pairs, axes, reports and team members', () => {
  let t: ReturnType<typeof openTempWorkspace>
  let ws: Workspace
  let handlers: Handlers
  let owner: CallContext

  const { call, failure } = apiCallers(() => ({ handlers, owner }))
  const count = (sql: string, ...args: unknown[]) =>
    ws.db
      .prepare(sql)
      .pluck()
      .get(...args) as number
  const logged = () => ws.db.prepare('SELECT entity, action, before, after FROM housekeeping_log ORDER BY id').all()

  async function projectWithPairs(name = 'Doctors') {
    const project = await call('projects.create', { name })
    const prompt = ws.prompts.ensure({ projectId: project.id, text: 'a doctor' })
    const images = addImages(ws, project.id, prompt.id, 6, `/data/${name}`)
    const sets = await call('sets.createRandom', { projectId: project.id, promptId: prompt.id, k: 2, count: 3, seed: 7 })
    await call('pairs.createAll', { projectId: project.id })
    return { project, prompt, images, sets, pairs: await call('pairs.list', { projectId: project.id }) }
  }

  beforeEach(() => {
    t = openTempWorkspace()
    ws = t.ws
    ;({ handlers, owner } = workspaceOnlyHandlers(ws))
  })
  afterEach(() => t.dispose())

  describe('pairs', () => {
    it('deletes an unlabelled pair, keeping both sets; a second delete is "not found"', async () => {
      const { project, sets, pairs } = await projectWithPairs()
      const first = pairs[0]
      expect(await call('housekeeping.impact', { entity: 'pair', id: first.id })).toEqual({ blockers: [], removes: ['the pair from the label queue'], keeps: ['both sets and their images'] })
      expect(await call('pairs.delete', { pairId: first.id })).toEqual({ ok: true })
      expect((await call('pairs.list', { projectId: project.id })).map((p) => p.id)).toEqual(pairs.slice(1).map((p) => p.id))
      expect((await call('sets.list', { projectId: project.id })).length).toBe(sets.length)
      expect(await failure('pairs.delete', { pairId: first.id })).toEqual({ code: 'not_found', message: 'this pair does not exist (it may have been deleted)' })
      // pairs.createAll may pair the two sets again: nothing about the old pair was kept that would clash.
      expect((await call('pairs.createAll', { projectId: project.id })).created).toBe(1)
      expect(logged()).toEqual([{ entity: 'pair', action: 'delete', before: 'Set 1 and Set 2', after: null }])
      expect(ws.integrityCheck()).toEqual(['ok'])
    })

    it('refuses a pair with a decision or in a snapshot, in words, and keeps the decision', async () => {
      const { project } = await projectWithPairs()
      const next = (await call('label.next', { projectId: project.id }))!
      await call('label.judge', { pairId: next.pair.id, criterion: 'fairness', choice: 'a', shownLeft: next.shownLeft, responseMs: 400, idempotencyKey: 'k-000000001' })
      await call('label.undo', { projectId: project.id })
      const impact = await call('housekeeping.impact', { entity: 'pair', id: next.pair.id })
      expect(impact.blockers).toEqual(['1 decision was recorded on it; they stay for the audit trail'])
      ws.db
        .prepare("INSERT INTO preference_snapshots (project_id, version, name, criterion, content_sha256, counts, sources) VALUES (?, 1, 'v1', 'fairness', ?, '{}', '{}')")
        .run(project.id, 'f'.repeat(64))
      ws.db
        .prepare("INSERT INTO snapshot_pairs (snapshot_id, pair_id, set_a, set_b, caption, outcome, agreement, votes, decided_at) VALUES (1, ?, ?, ?, 'a doctor', 'a', 1, '[]', 'now')")
        .run(next.pair.id, next.pair.setA, next.pair.setB)
      const refused = await failure('pairs.delete', { pairId: next.pair.id })
      expect(refused.code).toBe('conflict')
      expect(refused.message).toMatch(/^the pair Set \d and Set \d cannot be deleted: 1 decision was recorded on it; they stay for the audit trail; it is part of 1 preference snapshot$/)
      expect(count('SELECT count(*) FROM judgements')).toBe(1)
      expect(count('SELECT count(*) FROM set_pairs WHERE id = ?', next.pair.id)).toBe(1)
      expect(logged()).toEqual([])
    })

    it('answers unknown ids, pairs of a deleted project and annotator sessions without deleting anything', async () => {
      const a = await projectWithPairs('A')
      const b = await projectWithPairs('B')
      expect((await failure('pairs.delete', { pairId: 999_999 })).code).toBe('not_found')
      expect((await failure('housekeeping.impact', { entity: 'pair', id: 999_999 })).code).toBe('not_found')
      expect((await failure('pairs.delete', { pairId: -1 })).code).toBe('bad_request')
      expect((await failure('pairs.delete', { pairId: a.pairs[0].id, extra: 1 })).code).toBe('bad_request')
      const annotator = ws.annotators.create('Ada')
      const invited: CallContext = { annotatorId: annotator.id, scope: 'annotate', projects: [a.project.id] }
      expect((await failure('pairs.delete', { pairId: a.pairs[0].id }, invited)).code).toBe('forbidden')
      await call('projects.delete', { projectId: b.project.id })
      expect((await failure('pairs.delete', { pairId: b.pairs[0].id })).code).toBe('not_found')
      expect(count('SELECT count(*) FROM set_pairs')).toBe(6)
    })
  })

  describe('axes', () => {
    it('renames and deletes an axis nothing reads; refuses a name the project already has', async () => {
      const project = await call('projects.create', { name: 'P' })
      const tone = await call('axes.save', { projectId: project.id, name: 'tone', classes: ['rose', 'teal'], ideal: [1, 3] })
      await call('axes.save', { projectId: project.id, name: 'silhouette', classes: ['round', 'tall'] })
      expect((await failure('axes.rename', { axisId: tone.id, name: ' Silhouette ' })).message).toBe('this project already has an axis called "Silhouette"')
      const renamed = await call('axes.rename', { axisId: tone.id, name: 'colour' })
      // Classes and the ideal distribution stay with it.
      expect(renamed).toEqual({ ...tone, name: 'colour' })
      // A retried rename is harmless.
      expect(await call('axes.rename', { axisId: tone.id, name: 'colour' })).toEqual(renamed)
      expect(await call('housekeeping.impact', { entity: 'axis', id: tone.id })).toEqual({
        blockers: [],
        removes: ['the axis "colour" with its 2 classes and its ideal distribution'],
        keeps: ['reports already built, with the axis as it was']
      })
      await call('axes.delete', { axisId: tone.id })
      expect((await call('axes.list', { projectId: project.id })).map((a) => a.name)).toEqual(['silhouette'])
      expect((await failure('axes.delete', { axisId: tone.id })).code).toBe('not_found')
      expect((await failure('axes.rename', { axisId: tone.id, name: 'x' })).code).toBe('not_found')
      expect(logged()).toEqual([
        { entity: 'axis', action: 'rename', before: 'tone', after: 'colour' },
        { entity: 'axis', action: 'delete', before: 'colour', after: null }
      ])
    })

    it('refuses to rename or delete an axis that stored classifier verdicts read, and one a running classifier-judged chain uses', async () => {
      const { project, images } = await projectWithPairs()
      const tone = await call('axes.save', { projectId: project.id, name: 'tone', classes: ['rose', 'teal'] })
      const shape = await call('axes.save', { projectId: project.id, name: 'shape', classes: ['round', 'tall'] })
      ws.db
        .prepare("INSERT INTO image_classifications (image_id, classifier_id, classifier_version, status, attributes, confidence) VALUES (?, 'world-classifier', '1', 'ok', ?, 0.9)")
        .run(images[0], JSON.stringify({ tone: 'rose' }))
      const why = "the classifier verdicts of 1 image (world-classifier) read this axis by its name, and the classifier's mapping predicts it"
      expect((await call('housekeeping.impact', { entity: 'axis', id: tone.id })).blockers).toEqual([why])
      expect(await failure('axes.rename', { axisId: tone.id, name: 'colour' })).toEqual({ code: 'conflict', message: `axis "tone" cannot be renamed: ${why}` })
      expect(await failure('axes.delete', { axisId: tone.id })).toEqual({ code: 'conflict', message: `axis "tone" cannot be deleted: ${why}` })
      // The other axis is free ...
      expect((await call('housekeeping.impact', { entity: 'axis', id: shape.id })).blockers).toEqual([])
      // ... until a classifier-judged chain runs on the project's axes.
      ws.db
        .prepare("INSERT INTO mcmc_chains (project_id, prompt_id, judge, set_size, initial_members, members, seed, rng_state, created_by) VALUES (?, ?, 'auto', 2, '[]', '[]', 1, 1, ?)")
        .run(project.id, ws.prompts.list(project.id)[0].id, owner.annotatorId)
      expect((await failure('axes.delete', { axisId: shape.id })).message).toBe(
        'axis "shape" cannot be deleted: 1 classifier-judged refinement chain is still running on this project\'s axes: stop it first'
      )
      expect((await call('axes.list', { projectId: project.id })).map((a) => a.name)).toEqual(['tone', 'shape'])
    })
  })

  describe('reports', () => {
    function report(projectId: number, state: 'done' | 'running', title = 'base vs run 2 on 1 prompt(s) of P') {
      const job = ws.jobs.create({ projectId, kind: 'audit', payload: { title } })
      ws.jobs.update(job.id, { state })
      const file = reportFileOf(dirname(ws.file), job.id)
      mkdirSync(dirname(file), { recursive: true })
      writeFileSync(file, '{}')
      return { id: job.id, file }
    }

    it('renames a report (and back to its title), deletes it with its stored file; refuses one being built', async () => {
      const project = await call('projects.create', { name: 'P' })
      const done = report(project.id, 'done')
      const building = report(project.id, 'running')
      await call('report.rename', { reportId: done.id, name: 'Before the fine-tune' })
      expect(ws.jobs.get(done.id)!.name).toBe('Before the fine-tune')
      await call('report.rename', { reportId: done.id, name: null })
      expect(ws.jobs.get(done.id)!.name).toBeNull()
      expect(await failure('report.delete', { reportId: building.id })).toEqual({
        code: 'conflict',
        message: 'report "base vs run 2 on 1 prompt(s) of P" cannot be deleted: the report is still being built: cancel it first'
      })
      expect(existsSync(building.file)).toBe(true)
      expect((await call('housekeeping.impact', { entity: 'report', id: done.id })).removes).toEqual(['the report and its stored figures'])
      await call('report.delete', { reportId: done.id })
      expect(ws.jobs.get(done.id)).toBeNull()
      expect(existsSync(dirname(done.file))).toBe(false)
      expect((await failure('report.delete', { reportId: done.id })).code).toBe('not_found')
      expect(logged()).toEqual([
        { entity: 'report', action: 'rename', before: 'base vs run 2 on 1 prompt(s) of P', after: 'Before the fine-tune' },
        { entity: 'report', action: 'rename', before: 'Before the fine-tune', after: 'base vs run 2 on 1 prompt(s) of P' },
        { entity: 'report', action: 'delete', before: 'base vs run 2 on 1 prompt(s) of P', after: null }
      ])
    })

    it('a report id is not a run id, and a run id is not a report id', async () => {
      const project = await call('projects.create', { name: 'P' })
      const run = ws.jobs.create({ projectId: project.id, kind: 'train' })
      const done = report(project.id, 'done')
      expect((await failure('report.delete', { reportId: run.id })).code).toBe('not_found')
      expect((await failure('runs.delete', { runId: done.id })).code).toBe('not_found')
      expect((await failure('report.rename', { reportId: run.id, name: 'x' })).code).toBe('not_found')
      expect(ws.jobs.get(run.id)).not.toBeNull()
    })
  })

  describe('team members', () => {
    it('renames a person everywhere and refuses a name someone else has; the owner and classifier stay as they are', async () => {
      const ada = await call('team.createAnnotator', { name: 'Ada' })
      await call('team.createAnnotator', { name: 'Grace' })
      expect((await failure('team.renameAnnotator', { annotatorId: ada.id, name: 'grace' })).message).toBe('a team member called "grace" already exists; choose another name')
      expect((await call('team.renameAnnotator', { annotatorId: ada.id, name: 'Ada Lovelace' })).name).toBe('Ada Lovelace')
      expect((await call('team.listAnnotators', {})).map((m) => m.name)).toContain('Ada Lovelace')
      const own = ws.annotators.owner()
      expect(await failure('team.renameAnnotator', { annotatorId: own.id, name: 'Boss' })).toEqual({ code: 'conflict', message: '"owner" cannot be renamed: the owner is built into the workspace' })
      expect((await failure('team.deleteAnnotator', { annotatorId: ws.annotators.classifier().id })).message).toBe('"classifier" cannot be deleted: the classifier is built into the workspace')
      expect((await failure('team.deleteAnnotator', { annotatorId: 999_999 })).code).toBe('not_found')
    })

    it('deletes someone with no recorded work (their invites and sign-ins go), refuses someone with decisions and points at Revoke', async () => {
      const { project } = await projectWithPairs()
      const ada = await call('team.createAnnotator', { name: 'Ada' })
      const bob = await call('team.createAnnotator', { name: 'Bob' })
      await call('team.invite', { annotatorId: ada.id, projectIds: [project.id] })
      ws.tokens.create(ada.id, 'annotate', [project.id])
      expect((await call('housekeeping.impact', { entity: 'annotator', id: ada.id })).removes).toEqual(['Ada from the team', 'their 1 invite (an open link stops working)'])
      // Bob labels one pair as an invited annotator.
      const bobCtx: CallContext = { annotatorId: bob.id, scope: 'annotate', projects: [project.id] }
      const next = (await call('label.next', { projectId: project.id }, bobCtx))!
      await call('label.judge', { pairId: next.pair.id, criterion: 'fairness', choice: 'b', shownLeft: next.shownLeft, responseMs: 300, idempotencyKey: 'k-000000003' }, bobCtx)
      expect(await failure('team.deleteAnnotator', { annotatorId: bob.id })).toEqual({
        code: 'conflict',
        message: '"Bob" cannot be deleted: Bob\'s work is in the workspace (1 decision) and stays for the audit trail; use Revoke to end their access instead'
      })
      // An invited annotator cannot delete anyone.
      expect((await failure('team.deleteAnnotator', { annotatorId: ada.id }, bobCtx)).code).toBe('forbidden')
      await call('team.deleteAnnotator', { annotatorId: ada.id })
      expect((await call('team.listAnnotators', {})).map((m) => m.name)).toEqual(['owner', 'classifier', 'Bob'])
      expect(count('SELECT count(*) FROM invites WHERE annotator_id = ?', ada.id)).toBe(0)
      expect(count('SELECT count(*) FROM annotator_tokens WHERE annotator_id = ?', ada.id)).toBe(0)
      expect(count('SELECT count(*) FROM judgements')).toBe(1)
      expect((await failure('team.deleteAnnotator', { annotatorId: ada.id })).code).toBe('not_found')
      expect(ws.db.prepare("SELECT entity, before FROM housekeeping_log WHERE action = 'delete'").all()).toEqual([{ entity: 'annotator', before: 'Ada' }])
    })
  })
})
