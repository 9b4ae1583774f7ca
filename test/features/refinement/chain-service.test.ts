// The chain over a real workspace: decisions, back-tracking, idempotent retries, restart mid-chain,
// and the automatic and mixed judges reading the classifications table.
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { contract } from '@shared/contract'
import { dispatch, type CallContext } from '../../../src-main/core/api/dispatch'
import { openWorkspace, type Workspace } from '../../../src-main/core/store/open'
import { classificationsRepo } from '../../../src-main/core/store/repos/classifications'
import { createMcmcService } from '../../../src-main/core/features/refinement/chain-service'
import { createTeamService } from '../../../src-main/core/features/team/team-service'
import { apiCallers, workspaceOnlyHandlers } from '../../api/handlers/workspace-handlers'
import { addImages } from '../../store/fixtures'
import { tempDir } from '../../store/helpers'

const FILE = 'ws.sqlite'

describe('MCMC chains over the workspace', () => {
  let tmp: ReturnType<typeof tempDir>
  let ws: Workspace
  let projectId: number
  let promptId: number
  let images: number[]
  let ownerId: number

  beforeEach(() => {
    tmp = tempDir('popalign-mcmc-')
    ws = openWorkspace(join(tmp.dir, FILE))
    projectId = ws.projects.create('P', '').id
    promptId = ws.prompts.ensure({ projectId, text: 'a doctor' }).id
    images = addImages(ws, projectId, promptId, 8)
    ownerId = ws.annotators.owner().id
  })
  afterEach(() => {
    ws.close()
    tmp.cleanup()
  })

  const human = (s = createMcmcService(ws)) => s.start({ projectId, promptId, size: 4, judge: 'human', seed: 42, createdBy: ownerId })

  it('accept replaces the proposed member; reject back-tracks to the previous set; both are logged', () => {
    const mcmc = createMcmcService(ws)
    const start = human(mcmc)
    expect(start).toMatchObject({ step: 0, accepted: 0, rejected: 0, acceptanceRate: null, awaiting: 'human', state: 'running', tally: null })
    const p0 = start.proposal!
    const afterAccept = mcmc.decide(start.id, 'accept', ownerId, 'key-accept-1', 0)
    const expected = [...start.imageIds]
    expected[p0.position] = p0.inImageId
    expect(afterAccept.imageIds).toEqual(expected)
    expect(afterAccept).toMatchObject({ step: 1, accepted: 1, acceptanceRate: 1 })

    const p1 = afterAccept.proposal!
    expect(afterAccept.imageIds).not.toContain(p1.inImageId)
    const afterReject = mcmc.decide(start.id, 'reject', ownerId, 'key-reject-1', 1)
    expect(afterReject.imageIds).toEqual(afterAccept.imageIds)
    expect(afterReject).toMatchObject({ step: 2, accepted: 1, rejected: 1, acceptanceRate: 0.5 })

    expect(start.number).toBe(1)
    expect(human(mcmc).number).toBe(2)
    expect(mcmc.log(start.id)).toEqual([
      expect.objectContaining({ step: 0, decision: 'accept', proposal: p0, judgeKind: 'human', annotatorId: ownerId, annotatorName: 'owner', distanceBefore: null }),
      expect.objectContaining({ step: 1, decision: 'reject', proposal: p1, judgeKind: 'human', annotatorId: ownerId, annotatorName: 'owner' })
    ])
  })

  it('a retried decision is applied once; a stale step or a reused key is refused', () => {
    const mcmc = createMcmcService(ws)
    const chain = human(mcmc)
    const once = mcmc.decide(chain.id, 'accept', ownerId, 'retry-key-1', 0)
    expect(mcmc.decide(chain.id, 'accept', ownerId, 'retry-key-1', 0)).toEqual(once)
    expect(mcmc.log(chain.id)).toHaveLength(1)
    expect(() => mcmc.decide(chain.id, 'reject', ownerId, 'retry-key-1', 1)).toThrow(/already used for a different decision/)
    expect(() => mcmc.decide(chain.id, 'reject', ownerId, 'other-key-1', 0)).toThrow(/step 0 of chain \d+ has already been decided; the chain is at step 1/)
  })

  it('stop saves the current set as an mcmc image set, which can win a preference pair', async () => {
    const mcmc = createMcmcService(ws)
    const chain = human(mcmc)
    mcmc.decide(chain.id, 'accept', ownerId, 'k-accept-0')
    const before = mcmc.get(chain.id)
    const stopped = mcmc.decide(chain.id, 'stop', ownerId, 'k-stop-01')
    expect(stopped).toMatchObject({ state: 'finished', proposal: null, awaiting: null, imageIds: before.imageIds })
    expect(ws.sets.get(stopped.resultSetId!)).toMatchObject({ origin: 'mcmc', promptId, imageIds: before.imageIds })
    expect(() => mcmc.decide(chain.id, 'accept', ownerId, 'k-late-01')).toThrow(/is finished/)
    expect(mcmc.log(chain.id).at(-1)).toMatchObject({ decision: 'stop', proposal: before.proposal })

    const other = ws.sets.create(projectId, promptId, 'random', images.slice(0, 4))
    const { handlers } = workspaceOnlyHandlers(ws)
    const ctx: CallContext = { annotatorId: ownerId, scope: 'owner' }
    // A set of another size is refused in words, and nothing is stored.
    const smaller = ws.sets.create(projectId, promptId, 'random', images.slice(0, 2))
    const refused = await dispatch(handlers, 'mcmc.makePair', { chainId: chain.id, loserSetId: smaller.id, idempotencyKey: 'make-pair-0' }, ctx, { checkOutputs: true })
    expect(refused).toMatchObject({ ok: false, error: { message: "that set holds 2 images and the chain's set 4; pair it with a set of 4 images" } })
    expect(ws.pairs.list(projectId).some((p) => p.setA === smaller.id || p.setB === smaller.id)).toBe(false)
    const made = await dispatch(handlers, 'mcmc.makePair', { chainId: chain.id, loserSetId: other.id, idempotencyKey: 'make-pair-1' }, ctx, { checkOutputs: true })
    expect(made.ok).toBe(true)
    const { pair, judgement } = contract['mcmc.makePair'].output.parse((made as { value: unknown }).value)
    const winnerSide = pair.setA === stopped.resultSetId ? 'a' : 'b'
    expect(judgement).toMatchObject({ pairId: pair.id, criterion: 'fairness', choice: winnerSide, annotatorId: ownerId })

    // No screen showed the two sets: the team's side-bias and response-time check leaves this decision
    // out (it read as the owner's only sided decision, 100% "left", and a 0 ms time outlier), while a
    // decision made on the labelling screen still counts.
    const team = createTeamService(ws)
    expect(team.biasCheck(projectId, 'fairness')).toEqual([])
    const third = ws.sets.create(projectId, promptId, 'random', images.slice(4, 8))
    const shown = ws.pairs.create(other.id, third.id)!
    ws.judgements.record({ pairId: shown.id, annotatorId: ownerId, criterion: 'fairness', choice: 'b', shownLeft: 'a', responseMs: 2400, idempotencyKey: 'label-1' })
    expect(team.biasCheck(projectId, 'fairness')).toEqual([expect.objectContaining({ sidedDecisions: 1, leftChosen: 0, medianResponseMs: 2400, responseOutliers: [] })])
    // A retried pairing is still stored once.
    const again = await dispatch(handlers, 'mcmc.makePair', { chainId: chain.id, loserSetId: other.id, idempotencyKey: 'make-pair-1' }, ctx, { checkOutputs: true })
    expect(again.ok).toBe(true)
    expect(ws.judgements.listForProject(projectId)).toHaveLength(2)
  })

  it('survives closing the workspace mid-chain: the pending proposal comes back and the chain continues as if never interrupted', () => {
    // Twin chain, same seed and pool, never interrupted, in a second workspace.
    const twinTmp = tempDir('popalign-mcmc-twin-')
    const twin = openWorkspace(join(twinTmp.dir, FILE))
    try {
      const tp = twin.projects.create('P', '').id
      const tq = twin.prompts.ensure({ projectId: tp, text: 'a doctor' }).id
      addImages(twin, tp, tq, 8)
      const twinMcmc = createMcmcService(twin)
      const twinChain = twinMcmc.start({ projectId: tp, promptId: tq, size: 4, judge: 'human', seed: 42, createdBy: twin.annotators.owner().id })
      const decisions = ['accept', 'reject', 'accept', 'reject', 'accept'] as const
      decisions.forEach((d, i) => twinMcmc.decide(twinChain.id, d, ownerId, `twin-key-${i}`))

      let chain = human()
      const id = chain.id
      for (const [i, d] of decisions.entries()) {
        const pending = chain.proposal
        ws.close() // restart between every decision
        ws = openWorkspace(join(tmp.dir, FILE))
        chain = createMcmcService(ws).get(id)
        expect(chain.proposal).toEqual(pending)
        chain = createMcmcService(ws).decide(id, d, ownerId, `key-${i}-xx`, i)
      }
      expect(chain.imageIds).toEqual(twinMcmc.get(twinChain.id).imageIds)
      expect(chain.proposal).toEqual(twinMcmc.get(twinChain.id).proposal)
      expect(
        createMcmcService(ws)
          .log(id)
          .map((e) => e.proposal)
      ).toEqual(twinMcmc.log(twinChain.id).map((e) => e.proposal))
    } finally {
      twin.close()
      twinTmp.cleanup()
    }
  })

  describe('classifier judges', () => {
    // Six men and two women: the fairest set of four has two of each.
    const genders = ['man', 'man', 'man', 'man', 'man', 'man', 'woman', 'woman']
    beforeEach(() => {
      ws.axes.save(projectId, 'gender', ['man', 'woman'], null)
      const c = classificationsRepo(ws.db)
      images.forEach((id, i) => c.record({ imageId: id, classifierId: 'world', classifierVersion: '1', status: 'ok', attributes: { gender: genders[i] }, confidence: 0.9 }))
    })

    it('auto: accepts exactly the swaps that move the set closer to the target, and never moves away', async () => {
      const mcmc = createMcmcService(ws)
      const chain = mcmc.start({ projectId, promptId, size: 4, judge: 'auto', seed: 3, createdBy: ownerId })
      expect(chain.awaiting).toBe('auto')
      const run = await mcmc.runAuto(chain.id, 60, true)
      expect(run).toMatchObject({ decided: 60, needsHuman: false })
      expect(run.chain.state).toBe('finished')
      const log = mcmc.log(chain.id)
      const classifierId = ws.annotators.classifier().id
      for (const e of log.filter((x) => x.decision !== 'stop')) {
        expect(e).toMatchObject({ judgeKind: 'auto', annotatorId: classifierId })
        expect(e.decision).toBe(e.distanceAfter! < e.distanceBefore! ? 'accept' : 'reject')
      }
      const accepted = log.filter((e) => e.decision === 'accept').map((e) => e.distanceAfter!)
      expect(accepted).toEqual([...accepted].sort((a, b) => b - a))
      // 60 random proposals over 8 images reach the two-and-two set.
      expect(mcmc.get(chain.id, true).tally).toEqual([
        {
          axis: 'gender',
          counts: [
            { cls: 'man', count: 2 },
            { cls: 'woman', count: 2 }
          ],
          unseen: 0
        }
      ])
      expect(run.chain.acceptanceRate).toBeCloseTo(run.chain.accepted / 60, 12)
    })

    it('mixed: the classifier judges what it can see and hands swaps involving a no_detection image to a person', async () => {
      const c = classificationsRepo(ws.db)
      const hiddenId = images[7]
      c.record({ imageId: hiddenId, classifierId: 'world', classifierVersion: '1', status: 'no_detection', attributes: {}, confidence: null })
      const mcmc = createMcmcService(ws)
      const chain = mcmc.start({ projectId, promptId, size: 4, judge: 'mixed', seed: 11, createdBy: ownerId })
      let humanTurns = 0
      let current = mcmc.get(chain.id)
      for (let round = 0; round < 40 && current.state === 'running'; round++) {
        const run = await mcmc.runAuto(chain.id, 5, false)
        current = run.chain
        if (run.needsHuman) {
          humanTurns++
          const p = current.proposal!
          expect(current.awaiting).toBe('human')
          expect([p.inImageId, p.outImageId]).toContain(hiddenId)
          current = mcmc.decide(chain.id, 'reject', ownerId, `human-${round}-key`, current.step)
        } else if (current.awaiting === 'auto') {
          // A person may not take a decision that belongs to the classifier (they may still stop).
          expect(() => mcmc.decide(chain.id, 'accept', ownerId, `sneak-${round}-k`)).toThrow(/judged by the classifier/)
        }
      }
      expect(humanTurns).toBeGreaterThan(0)
      const log = mcmc.log(chain.id)
      for (const e of log) {
        const involvesHidden = e.proposal !== null && (e.proposal.inImageId === hiddenId || e.proposal.outImageId === hiddenId)
        expect(e.judgeKind).toBe(involvesHidden ? 'human' : 'auto')
      }
    })

    it('refuses an automatic chain in a project without axes, and runAuto on a human chain', async () => {
      const other = ws.projects.create('Q', '').id
      const q = ws.prompts.ensure({ projectId: other, text: 'a nurse' }).id
      addImages(ws, other, q, 5)
      const mcmc = createMcmcService(ws)
      expect(() => mcmc.start({ projectId: other, promptId: q, size: 4, judge: 'auto', seed: 1, createdBy: ownerId })).toThrow(/no attribute axes/)
      await expect(mcmc.runAuto(human(mcmc).id, 5, false)).rejects.toThrow(/judged by a person/)
    })
  })

  it('through the API: annotators may judge but not start chains; bad input names the problem', async () => {
    const { handlers } = workspaceOnlyHandlers(ws)
    const alice = ws.annotators.create('alice')
    const annotate: CallContext = { annotatorId: alice.id, scope: 'annotate' }
    const owner: CallContext = { annotatorId: ownerId, scope: 'owner' }
    const { call } = apiCallers(() => ({ handlers, owner }))
    await expect(call('mcmc.start', { projectId, promptId }, annotate)).rejects.toThrow(/forbidden/)
    const chain = await call('mcmc.start', { projectId, promptId, size: 3, seed: 5 }, owner)
    const next = await call('mcmc.decide', { chainId: chain.id, decision: 'accept', step: 0, idempotencyKey: 'alice-key-1' }, annotate)
    expect(next.step).toBe(1)
    expect((await call('mcmc.log', { chainId: chain.id }, annotate))[0].annotatorId).toBe(alice.id)
    await expect(call('mcmc.start', { projectId, promptId, size: 9 }, owner)).rejects.toThrow(/bad_request: prompt \d+ has 8 image\(s\); a chain over sets of 9 needs at least 9/)
    await expect(call('mcmc.decide', { chainId: chain.id, decision: 'maybe', idempotencyKey: 'x-key-123' }, owner)).rejects.toThrow(/bad_request: mcmc.decide: decision/)
    await expect(call('mcmc.get', { chainId: 999 }, owner)).rejects.toThrow(/not_found: MCMC chain 999 does not exist/)
  })
})
