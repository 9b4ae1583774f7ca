// Human-in-the-loop MCMC set refinement (paper App. B) over the workspace. Each decision (accept,
// reject, stop) is one IMMEDIATE transaction that appends the log entry and rewrites the chain row,
// so the chain survives a restart at any point and a retried decision (same idempotency key) is
// applied once. Judges: a person, the classifier (auto), or the classifier with people taking the
// swaps it cannot see (mixed). Proposals come from the prompt's pool, or are freshly sampled from a
// model: the draw (member and seed) is committed with the decision, the image is sampled afterwards
// (async) and inserted together with the proposal, so a restart in between samples the same image.
// A chain may also start from a generated set: it is created with no members, and each starting
// image is sampled at a seed drawn from the chain's RNG and committed together with the advanced RNG
// state, so a restart mid-way samples the missing images with the same seeds.
import type { Judgement, McmcChain, McmcDecision, McmcIncoming, McmcLogEntry, McmcProposalSource, McmcSampling, McmcStart, SetPair } from '@shared/contract'
import { ApiFailure } from '../../errors/api-failure'
import type { Workspace } from '../../store/open'
import { classificationsRepo } from '../../store/repos/classifications'
import { JudgementConflict, NOT_SHOWN_KEY_PREFIX } from '../../store/repos/judgements'
import { mcmcChainsRepo, type ChainRecord } from '../../store/repos/mcmc-chains'
import { SetMembershipError } from '../../store/repos/sets'
import { classifierCannotSee, judgeAutomatically, tallySet, targetOf, type TargetAxis, type Verdict } from './auto-judge'
import { sampleFreshImage, resolveModel, type FreshImage, type FreshImageDeps } from './fresh-image'
import { applyProposal, drawInitialSet, drawNext, FRESH_SEED_LIMIT, type NextProposal } from './proposal'
import { ChainRng, initialRngState } from '../../random/rng'

export interface StartChain {
  projectId: number
  promptId: number
  size: number
  judge: McmcChain['judge']
  seed: number
  classifierId?: string
  createdBy: number
  /** Where proposed images come from (default 'pool'); 'sample' and 'mixed' need `sampling`. */
  proposalSource?: McmcProposalSource
  /** Where the starting set comes from (default 'pool'); 'generate' needs `sampling`. */
  start?: McmcStart
  sampling?: McmcSampling
}

/** Starting images a 'generate' chain has still to sample (its members grow from none to setSize). */
const startMissing = (chain: Pick<ChainRecord, 'state' | 'members' | 'setSize'>): number => (chain.state === 'running' ? Math.max(0, chain.setSize - chain.members.length) : 0)
/** A 'generate' chain is created with no members, so its stored initial set is empty. */
const startOf = (chain: Pick<ChainRecord, 'initialMembers'>): McmcStart => (chain.initialMembers.length === 0 ? 'generate' : 'pool')

/** How many times a fresh draw is retried when the model returns an image already in the set. */
const FRESH_ATTEMPTS = 5

interface Judged {
  decision: McmcDecision
  judgeKind: 'human' | 'auto'
  annotatorId: number
  idempotencyKey: string
  distanceBefore?: number
  distanceAfter?: number
}

/** Classifies images now with the chain's classifier (null: the built-in one); the classify service's classifyImages. */
export type ClassifyImages = (projectId: number, classifierId: string | null, imageIds: readonly number[]) => Promise<void>

export interface McmcDeps {
  fresh?: FreshImageDeps
  /** Lets a classifier-judged chain read the images it samples itself before judging them. */
  classify?: ClassifyImages
}

export function createMcmcService(ws: Workspace, deps: McmcDeps = {}) {
  const chains = mcmcChainsRepo(ws.db)
  const classifications = classificationsRepo(ws.db)
  /** Samplings in flight per chain, so concurrent callers wait for one sampling instead of racing. */
  const inFlight = new Map<number, Promise<void>>()
  /** The last sampling failure per chain (shown to the judge; cleared by a success). */
  const sampleErrors = new Map<number, string>()

  const chainOrFail = (id: number): ChainRecord => chains.get(id) ?? fail('not_found', `MCMC chain ${id} does not exist`)
  const axesOf = (projectId: number): TargetAxis[] => ws.axes.list(projectId).map(targetOf)
  const verdict = (chain: ChainRecord, imageId: number): Verdict | null => classifications.latest(imageId, chain.classifierId)

  /** Who must judge the chain's pending proposal. */
  function awaiting(chain: ChainRecord): McmcChain['awaiting'] {
    if (chain.state !== 'running' || !chain.proposal || chain.pendingSample || startMissing(chain) > 0) return null
    if (chain.judge === 'human') return 'human'
    if (chain.judge === 'auto') return 'auto'
    const { outImageId, inImageId } = chain.proposal
    return classifierCannotSee(verdict(chain, outImageId)) || classifierCannotSee(verdict(chain, inImageId)) ? 'human' : 'auto'
  }

  function view(chain: ChainRecord, withTally = false): McmcChain {
    const decided = chain.accepted + chain.rejected
    return {
      id: chain.id,
      number: chain.number,
      projectId: chain.projectId,
      promptId: chain.promptId,
      judge: chain.judge,
      state: chain.state,
      setSize: chain.setSize,
      imageIds: chain.members,
      proposal: chain.proposal,
      awaiting: awaiting(chain),
      step: chain.step,
      accepted: chain.accepted,
      rejected: chain.rejected,
      acceptanceRate: decided > 0 ? chain.accepted / decided : null,
      resultSetId: chain.resultSetId,
      createdAt: chain.createdAt,
      updatedAt: chain.updatedAt,
      tally: withTally
        ? tallySet(
            chain.members.map((id) => verdict(chain, id)),
            axesOf(chain.projectId)
          )
        : null,
      proposalSource: chain.proposalSource,
      sampling: chain.sampling,
      proposalPending: chain.state === 'running' && (chain.pendingSample !== null || startMissing(chain) > 0),
      proposalError: sampleErrors.get(chain.id) ?? null,
      start: startOf(chain),
      startPending: startMissing(chain),
      incoming: chain.proposal ? incomingOf(chain.proposal.inImageId) : null
    }
  }

  /** How the image was sampled, read from its provenance (a chain's fresh image or a sample job's); null for imported images. */
  function incomingOf(imageId: number): McmcIncoming | null {
    const p = ws.images.get(imageId)?.provenance
    if (!p || typeof p.model !== 'string' || typeof p.seed !== 'number' || !Number.isInteger(p.seed)) return null
    const fromChain = p.source === 'mcmc-sample'
    const role = p.chainRole === 'start' || p.chainRole === 'proposal' ? p.chainRole : fromChain ? 'proposal' : null
    const at = role === 'start' ? p.startIndex : p.chainStep
    return {
      imageId,
      source: fromChain ? 'chain' : 'sample-job',
      model: p.model,
      modelLabel: typeof p.modelLabel === 'string' ? p.modelLabel : null,
      seed: p.seed,
      chainStep: fromChain && typeof at === 'number' && Number.isInteger(at) && at >= 0 ? at : null,
      role
    }
  }

  /** The chain's next swap by its proposal source (pool, fresh sample, or pool then sample). */
  function next(chain: Pick<ChainRecord, 'id' | 'promptId' | 'proposalSource'>, members: readonly number[], rng: ChainRng) {
    const proposedBefore = new Set(chain.proposalSource === 'mixed' ? chains.proposedImages(chain.id) : [])
    return drawNext(chain.proposalSource, members, ws.images.idsOfPrompt(chain.promptId), proposedBefore, rng)
  }

  /** Applies one decision to the chain; runs inside `decideTx`. */
  function apply(chain: ChainRecord, j: Judged): ChainRecord {
    chains.appendStep({
      chainId: chain.id,
      step: chain.step,
      decision: j.decision,
      proposal: chain.proposal,
      judgeKind: j.judgeKind,
      annotatorId: j.annotatorId,
      distanceBefore: j.distanceBefore ?? null,
      distanceAfter: j.distanceAfter ?? null,
      idempotencyKey: j.idempotencyKey
    })
    if (j.decision === 'stop') {
      const set = ws.sets.create(chain.projectId, chain.promptId, 'mcmc', chain.members)
      return chains.update(chain.id, { ...chain, state: 'finished', proposal: null, pendingSample: null, step: chain.step + 1, resultSetId: set.id })
    }
    if (!chain.proposal) throw new Error('unreachable: accept/reject without a proposal')
    // Reject is the back-track: the set stays as it was before the proposal.
    const members = j.decision === 'accept' ? applyProposal(chain.members, chain.proposal) : chain.members
    const rng = new ChainRng(chain.rngState)
    const { proposal, pendingSample } = next(chain, members, rng)
    return chains.update(chain.id, {
      ...chain,
      members,
      proposal,
      pendingSample,
      step: chain.step + 1,
      accepted: chain.accepted + (j.decision === 'accept' ? 1 : 0),
      rejected: chain.rejected + (j.decision === 'reject' ? 1 : 0),
      rngState: rng.state
    })
  }

  const decideTx = ws.db.transaction((chainId: number, j: Judged, expectedStep: number | undefined): ChainRecord => {
    const previous = chains.stepByKey(j.idempotencyKey)
    if (previous) {
      if (previous.chainId !== chainId || previous.decision !== j.decision) fail('conflict', 'this idempotency key was already used for a different decision')
      return chainOrFail(chainId) // a retry of a committed decision: nothing more to do
    }
    const chain = chainOrFail(chainId)
    if (chain.state === 'finished') fail('conflict', `MCMC chain ${chainId} is finished`)
    if (startMissing(chain) > 0) fail('conflict', `chain ${chainId} is still sampling its starting set (${startMissing(chain)} of ${chain.setSize} image(s) left); wait for it to appear`)
    if (expectedStep !== undefined && expectedStep !== chain.step) {
      fail('conflict', `step ${expectedStep} of chain ${chainId} has already been decided; the chain is at step ${chain.step}`)
    }
    if (j.decision !== 'stop') {
      if (chain.pendingSample) fail('conflict', `the next proposal of chain ${chainId} is still being sampled; wait for it to appear`)
      if (!chain.proposal) fail('conflict', `chain ${chainId} has no proposal to judge: every image of the prompt is in the set; stop the chain`)
      const who = awaiting(chain)
      if (j.judgeKind === 'human' && who !== 'human') fail('conflict', `the pending proposal of chain ${chainId} is judged by the classifier; run the automatic judge`)
    }
    return apply(chain, j)
  })

  function decide(chainId: number, j: Judged, expectedStep?: number): ChainRecord {
    try {
      return decideTx.immediate(chainId, j, expectedStep)
    } catch (err) {
      if (err instanceof SetMembershipError) throw new ApiFailure('conflict', `the refined set cannot be saved: ${err.message}`)
      throw err
    }
  }

  /**
   * Inserts the sampled image and turns the pending draw into the proposal, if the chain still waits
   * for exactly this draw. An image already in the set (the model repeated itself) costs a new seed
   * from the chain's RNG, committed here, so a replay draws the same again.
   */
  const commitFresh = ws.db.transaction((chainId: number, drawn: { position: number; seed: number }, image: FreshImage): 'done' | 'stale' | 'redraw' => {
    const chain = chainOrFail(chainId)
    const pending = chain.pendingSample
    if (chain.state !== 'running' || !pending || pending.position !== drawn.position || pending.seed !== drawn.seed) return 'stale'
    const { image: stored } = ws.images.add({ ...image, projectId: chain.projectId, promptId: chain.promptId })
    if (chain.members.includes(stored.id)) {
      const rng = new ChainRng(chain.rngState)
      chains.update(chain.id, { ...chain, pendingSample: { position: pending.position, seed: rng.below(FRESH_SEED_LIMIT) }, rngState: rng.state })
      return 'redraw'
    }
    const proposal = { position: pending.position, outImageId: chain.members[pending.position], inImageId: stored.id }
    chains.update(chain.id, { ...chain, proposal, pendingSample: null })
    return 'done'
  })

  /**
   * Appends one sampled starting image, if the chain is still where the draw was made (same members,
   * same RNG state). The RNG state after the seed's draw is committed with it; once the set is full,
   * the first proposal is drawn in the same transaction. An image already in the set only advances
   * the RNG, so the next attempt samples at a new seed.
   */
  const commitStart = ws.db.transaction((chainId: number, drawn: { count: number; rngBefore: number; rngAfter: number }, image: FreshImage): 'done' | 'stale' | 'redraw' => {
    const chain = chainOrFail(chainId)
    if (startMissing(chain) === 0 || chain.members.length !== drawn.count || chain.rngState !== drawn.rngBefore) return 'stale'
    const { image: stored } = ws.images.add({ ...image, projectId: chain.projectId, promptId: chain.promptId })
    if (chain.members.includes(stored.id)) {
      chains.update(chain.id, { ...chain, rngState: drawn.rngAfter })
      return 'redraw'
    }
    const members = [...chain.members, stored.id]
    if (members.length < chain.setSize) {
      chains.update(chain.id, { ...chain, members, rngState: drawn.rngAfter })
      return 'done'
    }
    const rng = new ChainRng(drawn.rngAfter)
    const { proposal, pendingSample } = next(chain, members, rng)
    chains.update(chain.id, { ...chain, members, proposal, pendingSample, rngState: rng.state })
    return 'done'
  })

  /** Samples the starting images a 'generate' chain still lacks, one committed at a time. */
  async function sampleStart(chainId: number): Promise<void> {
    let redraws = 0
    for (;;) {
      const chain = chainOrFail(chainId)
      if (startMissing(chain) === 0) return
      const rng = new ChainRng(chain.rngState)
      const image = await sampleFor(chain, 'its starting set', { seed: rng.below(FRESH_SEED_LIMIT), role: 'start', index: chain.members.length })
      const outcome = commitStart.immediate(chainId, { count: chain.members.length, rngBefore: chain.rngState, rngAfter: rng.state }, image)
      if (outcome === 'redraw' && ++redraws >= FRESH_ATTEMPTS) {
        fail('conflict', `the model gave back images already in the starting set of chain ${chainId} ${FRESH_ATTEMPTS} times; start one from another model`)
      }
    }
  }

  /** One freshly sampled image for a chain (a start-set member or a proposal), from its model and prompt. */
  function sampleFor(chain: ChainRecord, what: string, image: { seed: number; role: 'start' | 'proposal'; index?: number }): Promise<FreshImage> {
    if (!deps.fresh) fail('conflict', `chain ${chain.id} samples ${what}, but the diffusion engine is not running in this studio`)
    if (!chain.sampling) throw new Error(`unreachable: chain ${chain.id} samples ${what} but has no sampling settings`)
    const prompt = ws.prompts.get(chain.promptId) ?? fail('not_found', `prompt ${chain.promptId} of chain ${chain.id} no longer exists`)
    return sampleFreshImage(deps.fresh, { workspaceFile: ws.file, thumbDir: ws.thumbDir, chainId: chain.id, step: chain.step, prompt: prompt.text, sampling: chain.sampling, ...image })
  }

  async function sampleOnce(chainId: number): Promise<void> {
    await sampleStart(chainId)
    for (let attempt = 0; attempt < FRESH_ATTEMPTS; attempt++) {
      const chain = chainOrFail(chainId)
      const pending = chain.pendingSample
      if (chain.state !== 'running' || !pending) return
      const image = await sampleFor(chain, 'its proposals', { seed: pending.seed, role: 'proposal' })
      const outcome = commitFresh.immediate(chainId, pending, image)
      if (outcome !== 'redraw') {
        sampleErrors.delete(chainId)
        return
      }
    }
    fail('conflict', `the model gave back images already in the set of chain ${chainId} ${FRESH_ATTEMPTS} times; stop the chain or start one from another model`)
  }

  /**
   * Classifies what the judge is about to read that the chain's classifier has not read yet: the
   * current set and the entering image, sampled by the chain or drawn from the pool alike. Judged on
   * the verdicts it happened to find, the classifier measured only the members someone had classified
   * (an unmeasurable set then lost to any swap), and it saw its own fresh images as unseen.
   */
  async function classifyUnread(chainId: number): Promise<void> {
    const chain = chainOrFail(chainId)
    if (chain.judge === 'human' || chain.state !== 'running' || !deps.classify) return
    const ids = chain.proposal ? [...chain.members, chain.proposal.inImageId] : chain.members
    const unread = ids.filter((id) => verdict(chain, id) === null)
    if (unread.length === 0) return
    try {
      await deps.classify(chain.projectId, chain.classifierId, unread)
    } catch (err) {
      // A mixed chain hands what its classifier cannot read to a person; an automatic one must say why it cannot judge.
      if (chain.judge === 'auto') throw err
    }
  }

  /** One sampling (then classification of what the judge reads) per chain at a time; later callers wait for the one in flight. */
  function fulfil(chainId: number): Promise<void> {
    const running = inFlight.get(chainId)
    if (running) return running
    const p = sampleOnce(chainId)
      .then(() => classifyUnread(chainId))
      .finally(() => inFlight.delete(chainId))
    inFlight.set(chainId, p)
    return p
  }

  return {
    start(s: StartChain): McmcChain {
      if (s.judge !== 'human' && ws.axes.list(s.projectId).length === 0) {
        fail('bad_request', `project ${s.projectId} has no attribute axes; the ${s.judge} judge needs at least one to measure fairness`)
      }
      const proposalSource = s.proposalSource ?? 'pool'
      const startFrom = s.start ?? 'pool'
      if (proposalSource !== 'pool' || startFrom === 'generate') {
        const what = proposalSource === 'pool' ? 'a generated starting set' : `${proposalSource === 'sample' ? 'freshly sampled' : 'mixed'} proposals`
        if (!s.sampling) fail('bad_request', `a chain with ${what} needs a model to sample from`)
        if (!deps.fresh) fail('bad_request', `${what} need the diffusion engine, which is not running in this studio`)
        // Refused now, with the catalogue's reason, rather than at the first proposal.
        resolveModel(deps.fresh.models(), s.sampling.model)
      }
      const rng = new ChainRng(initialRngState(s.seed))
      let members: number[] = []
      let drawn: NextProposal = { proposal: null, pendingSample: null }
      // A generated start has no members yet: the first proposal is drawn once the set is full.
      if (startFrom === 'pool') {
        const pool = ws.images.idsOfPrompt(s.promptId)
        if (pool.length < s.size) fail('bad_request', `prompt ${s.promptId} has ${pool.length} image(s); a chain over sets of ${s.size} needs at least ${s.size}`)
        members = drawInitialSet(pool, s.size, rng)
        drawn = drawNext(proposalSource, members, pool, new Set(), rng)
      }
      const { proposal, pendingSample } = drawn
      const chain = chains.create({
        projectId: s.projectId,
        promptId: s.promptId,
        judge: s.judge,
        setSize: s.size,
        members,
        proposal,
        seed: s.seed,
        rngState: rng.state,
        classifierId: s.classifierId ?? null,
        createdBy: s.createdBy,
        proposalSource,
        sampling: proposalSource === 'pool' && startFrom === 'pool' ? null : s.sampling!,
        pendingSample
      })
      return view(chain)
    },

    get(chainId: number, withTally = false): McmcChain {
      return view(chainOrFail(chainId), withTally)
    },

    list(projectId: number): McmcChain[] {
      return chains.list(projectId).map((c) => view(c))
    },

    /** A person's decision. */
    decide(chainId: number, decision: McmcDecision, annotatorId: number, idempotencyKey: string, expectedStep?: number): McmcChain {
      return view(decide(chainId, { decision, judgeKind: 'human', annotatorId, idempotencyKey }, expectedStep))
    },

    /**
     * Lets the classifier judge up to `maxSteps` proposals, each committed on its own. Stops early
     * when a proposal needs a person (mixed mode) or the pool is exhausted.
     */
    async runAuto(chainId: number, maxSteps: number, stopAtEnd: boolean): Promise<{ chain: McmcChain; decided: number; needsHuman: boolean }> {
      let chain = chainOrFail(chainId)
      if (chain.judge === 'human') fail('bad_request', `chain ${chainId} is judged by a person, not the classifier`)
      if (chain.state === 'finished') fail('conflict', `MCMC chain ${chainId} is finished`)
      const judgeId = ws.annotators.classifier().id
      const axes = axesOf(chain.projectId)
      let decided = 0
      let needsHuman = false
      for (;;) {
        // Samples a pending draw and classifies what is about to be judged.
        if (chain.state === 'running') {
          await fulfil(chain.id)
          chain = chainOrFail(chain.id)
        }
        if (!(decided < maxSteps && chain.state === 'running' && chain.proposal)) break
        if (awaiting(chain) === 'human') {
          needsHuman = true
          break
        }
        const current = chain.members.map((id) => verdict(chain, id))
        const proposed = applyProposal(chain.members, chain.proposal).map((id) => verdict(chain, id))
        const auto = judgeAutomatically(current, proposed, axes)
        chain = decide(chain.id, { ...auto, judgeKind: 'auto', annotatorId: judgeId, idempotencyKey: `auto:${chain.id}:${chain.step}` }, chain.step)
        decided++
      }
      if (stopAtEnd && !needsHuman && chain.state === 'running') {
        chain = decide(chain.id, { decision: 'stop', judgeKind: 'auto', annotatorId: judgeId, idempotencyKey: `auto:${chain.id}:${chain.step}` }, chain.step)
      }
      return { chain: view(chain), decided, needsHuman }
    },

    /**
     * Samples the chain's pending fresh proposal, if it has one, and waits for it. A failure is kept
     * (shown as the chain's proposalError) and the draw stays pending, so the next call retries it.
     */
    async settle(chainId: number): Promise<void> {
      try {
        await fulfil(chainId)
      } catch (err) {
        sampleErrors.set(chainId, err instanceof Error ? err.message : String(err))
      }
    },

    log(chainId: number): McmcLogEntry[] {
      chainOrFail(chainId)
      // Names, not ids, on screen (issue 10): who made each decision; a removed annotator reads as such.
      return chains.log(chainId).map(({ chainId: _c, idempotencyKey: _k, ...entry }) => ({ ...entry, annotatorName: ws.annotators.get(entry.annotatorId)?.name ?? 'a removed annotator' }))
    },

    /** Pairs the finished chain's set with another set and records `annotatorId`'s fairness decision for the chain's set. */
    makePair(chainId: number, loserSetId: number, annotatorId: number, idempotencyKey: string): { pair: SetPair; judgement: Judgement } {
      const chain = chainOrFail(chainId)
      if (chain.state !== 'finished' || chain.resultSetId === null) fail('conflict', `chain ${chainId} is not finished; stop it before using its set`)
      const winner = chain.resultSetId
      if (loserSetId === winner) fail('bad_request', 'the chain set cannot be paired with itself')
      const loser = ws.sets.get(loserSetId) ?? fail('not_found', `set ${loserSetId} does not exist`)
      if (loser.projectId !== chain.projectId || loser.promptId !== chain.promptId) fail('bad_request', `set ${loserSetId} is not a set of the chain's prompt`)
      // A population judgement compares sets of one size: 2 images against 6 is not a fair question.
      const size = ws.sets.get(winner)?.imageIds.length ?? 0
      if (loser.imageIds.length !== size) fail('bad_request', `that set holds ${loser.imageIds.length} images and the chain's set ${size}; pair it with a set of ${size} images`)
      return ws.db
        .transaction(() => {
          const pair = ws.pairs.create(winner, loserSetId) ?? ws.pairs.list(chain.projectId).find((p) => (p.setA === winner && p.setB === loserSetId) || (p.setA === loserSetId && p.setB === winner))!
          const side = pair.setA === winner ? 'a' : 'b'
          try {
            // No screen showed the two sets: the key says so, so the bias check does not count a "left" choice made in 0 ms.
            const { judgement } = ws.judgements.record({
              pairId: pair.id,
              annotatorId,
              criterion: 'fairness',
              choice: side,
              shownLeft: side,
              responseMs: 0,
              idempotencyKey: NOT_SHOWN_KEY_PREFIX + idempotencyKey
            })
            const { idempotencyKey: _k, undoneAt: _u, ...pub } = judgement
            return { pair, judgement: pub }
          } catch (err) {
            if (err instanceof JudgementConflict) throw new ApiFailure('conflict', err.message)
            throw err
          }
        })
        .immediate()
    }
  }
}
export type McmcService = ReturnType<typeof createMcmcService>

function fail(code: 'not_found' | 'conflict' | 'bad_request', message: string): never {
  throw new ApiFailure(code, message)
}
