// projects.list gives each project's counts for its card (issue 10): images, sets, pairs, and pairs a
// person has labelled; a classifier's verdict or an undone decision does not make a pair labelled.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { CallContext, Handlers } from '../../../src-main/core/api/dispatch'
import type { Workspace } from '../../../src-main/core/store/open'
import { withProjectScope } from '../../../src-main/core/api/project-scope'
import { assignmentsRepo } from '../../../src-main/core/store/repos/assignments'
import { projectOfRepo } from '../../../src-main/core/store/repos/project-of'
import { apiCallers, workspaceOnlyHandlers } from './workspace-handlers'
import { addImages, openTempWorkspace } from '../../store/fixtures'

describe('projects.list counts', () => {
  let t: ReturnType<typeof openTempWorkspace>
  let ws: Workspace
  let current: { handlers: Handlers; owner: CallContext }
  const { call } = apiCallers(() => current)

  beforeEach(() => {
    t = openTempWorkspace()
    ws = t.ws
    current = workspaceOnlyHandlers(ws)
  })
  afterEach(() => t.dispose())

  const judge = (pairId: number, annotatorId: number, key: string, criterion: 'fairness' | 'quality' = 'fairness') =>
    call('label.judge', { pairId, criterion, choice: 'a', shownLeft: 'a', responseMs: 5, idempotencyKey: key }, { annotatorId, scope: 'owner' })

  it('counts images, sets, pairs and the pairs a person labelled, per project', async () => {
    const empty = ws.projects.create('Empty')
    const project = ws.projects.create('Doctors')
    const prompt = ws.prompts.ensure({ projectId: project.id, text: 'a photo of a doctor' })
    const other = ws.prompts.ensure({ projectId: project.id, text: 'a photo of a nurse' })
    const img = addImages(ws, project.id, prompt.id, 6)
    addImages(ws, project.id, other.id, 3)
    const s = [0, 1, 2, 3].map((i) => ws.sets.create(project.id, prompt.id, 'manual', [img[i], img[i + 1]]))
    const pairs = [ws.pairs.create(s[0].id, s[1].id)!, ws.pairs.create(s[0].id, s[2].id)!, ws.pairs.create(s[1].id, s[2].id)!, ws.pairs.create(s[2].id, s[3].id)!]
    const owner = ws.annotators.owner().id
    const alice = ws.annotators.create('alice').id
    await judge(pairs[0].id, owner, 'k-00000001')
    // Two people and two criteria on one pair still make one labelled pair.
    await judge(pairs[0].id, alice, 'k-00000002', 'quality')
    await judge(pairs[1].id, alice, 'k-00000003')
    // The classifier's verdict does not count: the pair still waits for a person.
    await judge(pairs[2].id, ws.annotators.classifier().id, 'k-00000004')
    // An undone decision does not count either.
    await judge(pairs[3].id, owner, 'k-00000005', 'quality')
    await call('label.undo', { projectId: project.id, criterion: 'quality' })

    // An import under way is counted until it ends (a finished one, or another kind of job, is not).
    const running = ws.jobs.create({ projectId: empty.id, kind: 'import' })
    ws.jobs.update(ws.jobs.create({ projectId: project.id, kind: 'import' }).id, { state: 'done' })
    ws.jobs.create({ projectId: project.id, kind: 'export' })

    const list = await call('projects.list', {})
    // `mine` is the caller's own share: the owner decided pairs[0] (pairs[3]'s decision was undone).
    expect(list.map((p) => [p.name, p.counts])).toEqual([
      ['Empty', { images: 0, sets: 0, pairs: 0, labelledPairs: 0, importsRunning: 1, mine: { pairs: 0, labelledPairs: 0 } }],
      ['Doctors', { images: 9, sets: 4, pairs: 4, labelledPairs: 2, importsRunning: 0, mine: { pairs: 4, labelledPairs: 1 } }]
    ])
    ws.jobs.update(running.id, { state: 'failed' })
    expect((await call('projects.list', {}))[0].counts.importsRunning).toBe(0)

    // A deleted project has no card; an invited annotator sees only their projects' cards.
    ws.projects.markDeleted(empty.id)
    expect((await call('projects.list', {})).map((p) => p.name)).toEqual(['Doctors'])
    current = { handlers: withProjectScope(current.handlers, projectOfRepo(ws.db)), owner: current.owner }
    const scoped = await call('projects.list', {}, { annotatorId: alice, scope: 'annotate', projects: [project.id] })
    expect(scoped.map((p) => [p.name, p.counts.labelledPairs])).toEqual([['Doctors', 2]])
    // Alice's card counts her own decisions (a quality one on pairs[0], a fairness one on pairs[1]), not the owner's.
    expect(scoped[0].counts.mine).toEqual({ pairs: 4, labelledPairs: 2 })
  })

  it('gives each annotator their own share under routing: the pairs assigned to them, and those of them they decided', async () => {
    const project = ws.projects.create('Routed')
    const prompt = ws.prompts.ensure({ projectId: project.id, text: 'a photo of a doctor' })
    const img = addImages(ws, project.id, prompt.id, 6)
    const s = [0, 1, 2, 3, 4].map((i) => ws.sets.create(project.id, prompt.id, 'manual', [img[i], img[i + 1]]))
    const pairs = [ws.pairs.create(s[0].id, s[1].id)!, ws.pairs.create(s[0].id, s[2].id)!, ws.pairs.create(s[1].id, s[2].id)!, ws.pairs.create(s[2].id, s[3].id)!, ws.pairs.create(s[3].id, s[4].id)!]
    const alice = ws.annotators.create('alice').id
    const bob = ws.annotators.create('bob').id
    const mine = async (annotatorId: number) => (await call('projects.list', {}, { annotatorId, scope: 'annotate' }))[0].counts.mine
    // Before routing every pair is open to everyone; a decision made then counts while the pair is hers.
    await judge(pairs[0].id, alice, 'k-00000011')
    expect(await mine(alice)).toEqual({ pairs: 5, labelledPairs: 1 })
    expect(await mine(bob)).toEqual({ pairs: 5, labelledPairs: 0 })

    await call('team.route', { projectId: project.id, k: 1, annotatorIds: [alice, bob], seed: 3 })
    const assigned = (id: number) =>
      assignmentsRepo(ws.db)
        .list(project.id)
        .filter((a) => a.annotatorId === id)
        .map((a) => a.pairId)
    // Seed 3 routes the pair Alice decided before routing to Bob.
    expect(assigned(alice)).toEqual([pairs[1].id, pairs[3].id])
    expect(assigned(bob)).toEqual([pairs[0].id, pairs[2].id, pairs[4].id])
    expect(await mine(alice)).toEqual({ pairs: 2, labelledPairs: 0 })
    // Bob decides two of his; Alice one of hers, in the quality criterion (either criterion counts).
    await judge(pairs[0].id, bob, 'k-00000012')
    await judge(pairs[2].id, bob, 'k-00000013')
    await judge(pairs[1].id, alice, 'k-00000014', 'quality')
    expect(await mine(alice)).toEqual({ pairs: 2, labelledPairs: 1 })
    expect(await mine(bob)).toEqual({ pairs: 3, labelledPairs: 2 })
    // The card agrees with the Label screen's count when only one criterion was used.
    expect(await call('label.progress', { projectId: project.id }, { annotatorId: bob, scope: 'annotate' })).toEqual({ done: 2, total: 3 })
    // The owner, not routed any pair, has no share of this project.
    expect(await mine(ws.annotators.owner().id)).toEqual({ pairs: 0, labelledPairs: 0 })
  })
})
