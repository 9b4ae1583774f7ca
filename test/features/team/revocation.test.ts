// Invite revocation and listing, release and re-routing of a revoked annotator's unfinished pairs,
// and agreement between the classifier annotator and the people's majority, through the real
// dispatcher and handlers over a real workspace.
import { beforeEach, describe, expect, it } from 'vitest'
import type { Choice } from '@shared/contract'
import type { Workspace } from '../../../src-main/core/store/open'
import { assignmentsRepo } from '../../../src-main/core/store/repos/assignments'
import { majorityAgreement, majorityChoice } from '../../../src-main/core/features/team/classifier-agreement'
import { createTeamService } from '../../../src-main/core/features/team/team-service'
import { teamWorkspaceEachTest } from './team-workspace'

describe('classifier vs majority (hand-computed)', () => {
  it('takes the strict plurality of usable answers; a split or no answer is no majority', () => {
    expect(majorityChoice(['a', 'a', 'b'])).toBe('a')
    expect(majorityChoice(['a', 'b', 'cant_judge'])).toBeNull()
    expect(majorityChoice(['tie', 'cant_judge', 'cant_judge'])).toBe('tie')
    expect(majorityChoice([])).toBeNull()
  })

  it('counts agreement only where both sides answered and the people have a majority', () => {
    const people = new Map<number, Choice[]>([
      [1, ['a', 'a', 'b']],
      [2, ['b', 'b', 'b']],
      [3, ['a', 'b']],
      [4, ['tie', 'tie', 'a']]
    ])
    const machine: Array<{ pairId: number; choice: Choice }> = [
      { pairId: 1, choice: 'a' }, // agrees
      { pairId: 2, choice: 'a' }, // disagrees
      { pairId: 3, choice: 'a' }, // split: no majority
      { pairId: 4, choice: 'cant_judge' }, // missing on the classifier's side
      { pairId: 5, choice: 'b' } // nobody answered
    ]
    expect(majorityAgreement(machine, people)).toEqual({ pairs: 2, agreed: 1, percentAgreement: 0.5, withoutMajority: 2 })
  })
})

describe('revocation and classifier agreement over the workspace', () => {
  const { call, as, team, current } = teamWorkspaceEachTest()
  let ws: Workspace
  let projectId: number
  beforeEach(() => ({ ws, projectId } = current()))

  async function label(annotatorId: number, count: number, choose: (pairId: number) => Choice): Promise<number[]> {
    const served: number[] = []
    while (served.length < count) {
      const task = await call('label.next', { projectId }, as(annotatorId))
      if (!task) break
      served.push(task.pair.id)
      await call(
        'label.judge',
        { pairId: task.pair.id, criterion: 'fairness', choice: choose(task.pair.id), shownLeft: task.shownLeft, responseMs: 800, idempotencyKey: `label-key-${annotatorId}-${task.pair.id}` },
        as(annotatorId)
      )
    }
    return served
  }

  it('invites are listed with their status, and a single open invite can be revoked', async () => {
    const [alice] = await team(1)
    const redeemedInvite = await call('team.invite', { annotatorId: alice.id, projectIds: [projectId] })
    const openInvite = await call('team.invite', { annotatorId: alice.id, projectIds: [projectId] })
    const shortInvite = await call('team.invite', { annotatorId: alice.id, projectIds: [projectId], ttlHours: 0.0001 }) // 0.36 s
    const service = createTeamService(ws)
    expect(service.redeemInvite(redeemedInvite.code)).toMatchObject({ annotatorId: alice.id, scope: 'annotate' })
    await new Promise((r) => setTimeout(r, 450))

    const status = async () => new Map((await call('team.listInvites', {})).map((i) => [i.id, i.status]))
    expect(await status()).toEqual(
      new Map([
        [shortInvite.id!, 'expired'],
        [openInvite.id!, 'open'],
        [redeemedInvite.id!, 'redeemed']
      ])
    )
    const listed = (await call('team.listInvites', {}))[0]
    expect(listed).toMatchObject({ annotator: { id: alice.id, name: 'annotator 1' }, redeemedAt: null, revokedAt: null })
    expect(JSON.stringify(await call('team.listInvites', {}))).not.toContain(openInvite.code) // codes are never stored

    const revoked = await call('team.revokeInvite', { inviteId: openInvite.id! })
    expect(revoked).toMatchObject({ id: openInvite.id, status: 'revoked', revokedAt: expect.any(String) })
    expect(service.redeemInvite(openInvite.code)).toEqual({ failure: 'revoked' })
    // The annotator stays active; only that link is dead.
    expect((await call('team.listAnnotators', {})).find((a) => a.id === alice.id)!.revoked).toBe(false)

    await expect(call('team.revokeInvite', { inviteId: openInvite.id! })).rejects.toThrow(/conflict: invite \d+ is revoked and can no longer be revoked/)
    await expect(call('team.revokeInvite', { inviteId: redeemedInvite.id! })).rejects.toThrow(/conflict: invite \d+ is redeemed/)
    await expect(call('team.revokeInvite', { inviteId: shortInvite.id! })).rejects.toThrow(/conflict: invite \d+ is expired/)
    await expect(call('team.revokeInvite', { inviteId: 9999 })).rejects.toThrow(/not_found: invite 9999 does not exist/)
    await expect(call('team.revokeInvite', { inviteId: 0 })).rejects.toThrow(/bad_request/)
    await expect(call('team.listInvites', {}, as(alice.id))).rejects.toThrow(/forbidden/)
  })

  it('revoking an annotator releases their undecided pairs; the next route hands them to others who do not hold them', async () => {
    const people = await team(4)
    await call('team.route', { projectId, seed: 5 }) // 10 pairs x 3
    const assignments = assignmentsRepo(ws.db)
    const [gone] = people
    const held = assignments
      .list(projectId)
      .filter((a) => a.annotatorId === gone.id)
      .map((a) => a.pairId)
    expect(held.length).toBeGreaterThan(2)
    const decided = await label(gone.id, 2, () => 'a')

    const result = await call('team.revoke', { annotatorId: gone.id })
    expect(result).toMatchObject({ annotator: { revoked: true }, assignmentsReleased: held.length - 2 })
    // Their decided pairs keep the assignment (the decisions count); the rest are released.
    expect(
      assignments
        .list(projectId)
        .filter((a) => a.annotatorId === gone.id)
        .map((a) => a.pairId)
        .sort()
    ).toEqual([...decided].sort())

    const rerouted = await call('team.route', { projectId, seed: 8 })
    expect(rerouted).toEqual({ assigned: held.length - 2, pairs: 10, short: 0 })
    const holders = new Map<number, number[]>()
    for (const a of assignments.list(projectId)) holders.set(a.pairId, [...(holders.get(a.pairId) ?? []), a.annotatorId])
    for (const [pairId, h] of holders) {
      expect(new Set(h).size).toBe(h.length) // never a pair twice to one person
      expect(h).toHaveLength(3)
      if (!decided.includes(pairId)) expect(h).not.toContain(gone.id)
    }
    // The active team can now finish every pair.
    for (const p of people.slice(1)) await label(p.id, 100, () => 'a')
    const progress = await call('team.progress', { projectId })
    for (const row of progress.filter((r) => r.annotator.id !== gone.id)) expect(row.done).toBe(row.assigned)
  })

  it('classifier agreement: the classifier annotator against the people’s majority on the pairs both judged', async () => {
    const people = await team(3)
    await call('team.route', { projectId, seed: 1 })
    const pairs = ws.pairs.list(projectId).map((p) => p.id)
    // People: majority a on every pair except pairs[0..1], where two of three say b.
    await label(people[0].id, 100, () => 'a')
    await label(people[1].id, 100, (pid) => (pairs.indexOf(pid) < 2 ? 'b' : 'a'))
    await label(people[2].id, 100, (pid) => (pairs.indexOf(pid) < 2 ? 'b' : 'a'))
    const classifier = ws.annotators.classifier().id
    // The classifier judged six pairs: a on pairs[0..5] -> agrees on pairs[2..5], not on pairs[0..1].
    for (const pid of pairs.slice(0, 6)) {
      ws.judgements.record({ pairId: pid, annotatorId: classifier, criterion: 'fairness', choice: 'a', shownLeft: 'a', responseMs: 0, idempotencyKey: `classifier-${pid}` })
    }
    expect(await call('team.classifierAgreement', { projectId })).toEqual({ criterion: 'fairness', pairs: 6, agreed: 4, percentAgreement: 4 / 6, withoutMajority: 0 })
    // The classifier is not a rater in the people's agreement.
    expect((await call('team.agreement', { projectId, resamples: 0 })).answers).toBe(30)
    expect(await call('team.classifierAgreement', { projectId, criterion: 'quality' })).toEqual({ criterion: 'quality', pairs: 0, agreed: 0, percentAgreement: null, withoutMajority: 0 })
    await expect(call('team.classifierAgreement', { projectId: 999 })).rejects.toThrow(/not_found: project 999 does not exist/)
  })
})
