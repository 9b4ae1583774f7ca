// Team annotation through the real dispatcher and handlers over a real workspace.
import { beforeEach, describe, expect, it } from 'vitest'
import type { Workspace } from '../../../src-main/core/store/open'
import { planRouting } from '../../../src-main/core/features/team/routing'
import { adjudicationQueue } from '../../../src-main/core/features/team/disagreement'
import { seededRandom } from '../../../src-main/core/random/rng'
import { teamWorkspaceEachTest } from './team-workspace'

describe('routing plan', () => {
  it('gives each pair k distinct annotators, balances load, and tops up without repeating anyone', () => {
    const pairIds = Array.from({ length: 30 }, (_, i) => i + 1)
    const { assignments, short } = planRouting({ pairIds, existing: new Map(), annotatorIds: [1, 2, 3, 4, 5], k: 3, random: seededRandom(1) })
    expect(short).toBe(0)
    expect(assignments).toHaveLength(90)
    const byPair = new Map<number, number[]>()
    for (const a of assignments) byPair.set(a.pairId, [...(byPair.get(a.pairId) ?? []), a.annotatorId])
    for (const holders of byPair.values()) expect(new Set(holders).size).toBe(3)
    const load = [1, 2, 3, 4, 5].map((id) => assignments.filter((a) => a.annotatorId === id).length)
    expect(load).toEqual([18, 18, 18, 18, 18])
    // Topping up k to 4 adds exactly one new person per pair.
    const existing = new Map([...byPair].map(([p, h]) => [p, new Set(h)]))
    const more = planRouting({ pairIds, existing, annotatorIds: [1, 2, 3, 4, 5], k: 4, random: seededRandom(2) })
    expect(more.assignments).toHaveLength(30)
    for (const a of more.assignments) expect(existing.get(a.pairId)!.has(a.annotatorId)).toBe(false)
    expect(() => planRouting({ pairIds, existing: new Map(), annotatorIds: [1, 2], k: 3, random: seededRandom(1) })).toThrow(/needs at least 3; the team has 2/)
  })

  it('orders the adjudication queue by disagreement, then by number of answers', () => {
    const queue = adjudicationQueue(
      new Map([
        [1, ['a', 'a', 'a'] as const],
        [2, ['a', 'b'] as const],
        [3, ['a', 'a', 'b'] as const],
        [4, ['a', 'b', 'tie'] as const],
        [5, ['a', 'b', 'a', 'b'] as const],
        [6, ['b'] as const]
      ])
    )
    expect(queue.map((q) => [q.pairId, Number(q.disagreement.toFixed(4))])).toEqual([
      [4, 0.6667],
      [5, 0.5],
      [2, 0.5],
      [3, 0.3333]
    ])
  })
})

describe('team annotation over the workspace', () => {
  const { call, as, team, current } = teamWorkspaceEachTest()
  let ws: Workspace
  let projectId: number
  beforeEach(() => ({ ws, projectId } = current()))

  /** Labels every pair served to the annotator; returns the pair ids in the order served. */
  async function labelAll(annotatorId: number, choose: (pairId: number, shownLeft: 'a' | 'b') => 'a' | 'b' | 'tie' | 'cant_judge') {
    const served: number[] = []
    for (;;) {
      const task = await call('label.next', { projectId }, as(annotatorId))
      if (!task) return served
      served.push(task.pair.id)
      await call(
        'label.judge',
        {
          pairId: task.pair.id,
          criterion: 'fairness',
          choice: choose(task.pair.id, task.shownLeft),
          shownLeft: task.shownLeft,
          responseMs: 1500,
          idempotencyKey: `label-key-${annotatorId}-${task.pair.id}`
        },
        as(annotatorId)
      )
    }
  }

  it('profiles: created and listed by the owner, names unique, owner methods refused to annotators', async () => {
    const [alice] = await team(1)
    expect(alice).toMatchObject({ name: 'annotator 1', kind: 'human', revoked: false })
    expect((await call('team.listAnnotators', {})).map((a) => a.name)).toEqual(['owner', 'classifier', 'annotator 1'])
    await expect(call('team.createAnnotator', { name: 'annotator 1' })).rejects.toThrow(/conflict: an annotator named "annotator 1" already exists/)
    for (const m of ['team.listAnnotators', 'team.agreement', 'team.biasCheck', 'team.route', 'team.invite'] as const) {
      await expect(call(m, { projectId, annotatorId: alice.id }, as(alice.id))).rejects.toThrow(/forbidden/)
    }
  })

  it('routing: each pair reaches k = 3 annotators, nobody gets a pair twice, orders differ, and unassigned pairs are refused', async () => {
    const people = await team(4)
    expect(await call('team.route', { projectId, seed: 5 })).toEqual({ assigned: 30, pairs: 10, short: 0 })
    const servedBy = new Map<number, number[]>()
    for (const p of people) servedBy.set(p.id, await labelAll(p.id, () => 'a'))
    const perPair = new Map<number, number[]>()
    for (const [who, pairs] of servedBy) {
      expect(new Set(pairs).size).toBe(pairs.length) // never the same pair twice
      for (const pid of pairs) perPair.set(pid, [...(perPair.get(pid) ?? []), who])
    }
    expect(perPair.size).toBe(10)
    for (const holders of perPair.values()) expect(new Set(holders).size).toBe(3)
    const firsts = [...servedBy.values()].map((pairs) => pairs[0])
    expect(new Set(firsts).size).toBeGreaterThan(1) // not everyone starts on the same pair
    // Progress counts the routed pairs only, and the owner sees everyone's.
    const progress = await call('team.progress', { projectId })
    expect(progress.map((r) => r.assigned).reduce((s, v) => s + v, 0)).toBe(30)
    for (const r of progress) expect(r.done).toBe(r.assigned)
    // A pair not routed to someone cannot be judged by them.
    const [first] = people
    const notMine = [...perPair].find(([, h]) => !h.includes(first.id))![0]
    await expect(call('label.judge', { pairId: notMine, criterion: 'quality', choice: 'a', shownLeft: 'a', responseMs: 5, idempotencyKey: 'not-mine-1' }, as(first.id))).rejects.toThrow(
      /forbidden: set pair \d+ is not assigned to you/
    )
    // Routing again adds nothing; a team too small is a clear error.
    expect(await call('team.route', { projectId, seed: 6 })).toMatchObject({ assigned: 0 })
    await expect(call('team.route', { projectId, k: 5 })).rejects.toThrow(/bad_request: routing each pair to 5 annotators needs at least 5; the team has 4/)
  })

  it('agreement, adjudication queue and bias check over three annotators', async () => {
    const people = await team(3)
    await call('team.route', { projectId, seed: 1 })
    const pairs = ws.pairs.list(projectId).map((p) => p.id)
    // Annotators 1 and 2 always choose a; annotator 3 chooses b on the first four pairs.
    await labelAll(people[0].id, () => 'a')
    await labelAll(people[1].id, () => 'a')
    await labelAll(people[2].id, (pid) => (pairs.indexOf(pid) < 4 ? 'b' : 'a'))
    const agreement = await call('team.agreement', { projectId, resamples: 200 })
    // Units: 4 x (a, a, b) and 6 x (a, a, a). n = 30, n_a = 26, n_b = 4; o_ab + o_ba = 4 * 2 * 2 / 2 = 8.
    // alpha = 1 - 29 * 8 / (2 * 26 * 4) = 1 - 232 / 208.
    expect(agreement).toMatchObject({ criterion: 'fairness', units: 10, answers: 30, resamples: 200 })
    expect(agreement.percentAgreement).toBeCloseTo((4 / 3 + 6) / 10, 12)
    expect(agreement.alpha).toBeCloseTo(1 - 232 / 208, 12)
    expect(agreement.alphaCi).not.toBeNull()

    const queue = await call('team.adjudicationQueue', { projectId })
    expect(queue.map((q) => q.pairId).sort((a, b) => a - b)).toEqual(pairs.slice(0, 4))
    expect(queue[0]).toMatchObject({ counts: { a: 2, b: 1, tie: 0, cant_judge: 0 }, answers: 3 })
    await call('team.adjudicate', { pairId: queue[0].pairId, criterion: 'fairness', choice: 'a' })
    expect((await call('team.adjudicationQueue', { projectId })).map((q) => q.pairId)).not.toContain(queue[0].pairId)

    const bias = await call('team.biasCheck', { projectId })
    expect(bias).toHaveLength(3)
    for (const b of bias) {
      expect(b.sidedDecisions).toBe(10)
      expect(b.leftShare).toBeCloseTo(b.leftChosen / 10, 12)
      expect(b.medianResponseMs).toBe(1500)
      expect(b.sideBiased).toBe(b.leftShareCi!.low > 0.5 || b.leftShareCi!.high < 0.5)
    }
  })

  it('bias check flags an annotator who always picks the left side (or never does)', async () => {
    const [lefty, righty] = await team(2)
    await labelAll(lefty.id, (_pid, left) => left)
    await labelAll(righty.id, (_pid, left) => (left === 'a' ? 'b' : 'a'))
    const bias = await call('team.biasCheck', { projectId })
    const of = (id: number) => bias.find((b) => b.annotator.id === id)!
    expect(of(lefty.id)).toMatchObject({ sidedDecisions: 10, leftChosen: 10, leftShare: 1, sideBiased: true })
    expect(of(lefty.id).leftShareCi!.low).toBeCloseTo(0.7225, 3) // Wilson, 10 of 10
    expect(of(righty.id)).toMatchObject({ leftChosen: 0, leftShare: 0, sideBiased: true })
  })

  it('an annotator edits their own recent decisions; the audit trail keeps the old value, who and when', async () => {
    const [alice, bob] = await team(2)
    const task = (await call('label.next', { projectId }, as(alice.id)))!
    const { judgement } = await call(
      'label.judge',
      { pairId: task.pair.id, criterion: 'fairness', choice: 'a', shownLeft: task.shownLeft, responseMs: 900, idempotencyKey: 'alice-edit-1' },
      as(alice.id)
    )
    const edited = await call('label.edit', { judgementId: judgement.id, choice: 'tie' }, as(alice.id))
    expect(edited).toMatchObject({ edited: true, judgement: { id: judgement.id, choice: 'tie' } })
    // The same edit again (a retry) changes nothing and adds no audit row.
    expect((await call('label.edit', { judgementId: judgement.id, choice: 'tie' }, as(alice.id))).edited).toBe(false)
    await expect(call('label.edit', { judgementId: judgement.id, choice: 'b' }, as(bob.id))).rejects.toThrow(/forbidden: judgement \d+ was made by someone else/)
    const trail = await call('team.editTrail', { projectId })
    expect(trail).toEqual([{ judgementId: judgement.id, oldChoice: 'a', newChoice: 'tie', editedBy: alice.id, createdAt: expect.any(String) }])
    expect(await call('label.recent', { projectId }, as(alice.id))).toEqual([expect.objectContaining({ id: judgement.id, choice: 'tie', edits: 1 })])

    // Only the newest 20 decisions stay editable.
    await call('pairs.createAll', { projectId })
    const prompt = ws.prompts.list(projectId)[0]
    await call('sets.createRandom', { projectId, promptId: prompt.id, k: 2, count: 3, seed: 9 })
    await call('pairs.createAll', { projectId }) // 28 pairs in all
    await labelAll(alice.id, () => 'b')
    await expect(call('label.edit', { judgementId: judgement.id, choice: 'a' }, as(alice.id))).rejects.toThrow(/conflict: judgement \d+ is older than your last 20 decisions/)
  })
})
