// MCMC set-refinement chains: the chain row holds the whole current state (members, pending
// proposal, counters, RNG state); mcmc_steps is the append-only log. Callers write both in one
// transaction per decision, so a restart resumes at the last committed decision.
import type Database from 'better-sqlite3'
import type { McmcDecision, McmcJudge, McmcProposal, McmcProposalSource, McmcSampling } from '@shared/contract'

/** A fresh proposal drawn but not sampled yet: which member it replaces and the image's seed. */
export interface PendingSample {
  position: number
  seed: number
}

export interface ChainRecord {
  id: number
  /** Per-project chain number (migration 9), what people read instead of the id. */
  number: number
  projectId: number
  promptId: number
  judge: McmcJudge
  state: 'running' | 'finished'
  setSize: number
  initialMembers: number[]
  members: number[]
  proposal: McmcProposal | null
  step: number
  accepted: number
  rejected: number
  seed: number
  rngState: number
  classifierId: string | null
  resultSetId: number | null
  createdBy: number
  createdAt: string
  updatedAt: string
  proposalSource: McmcProposalSource
  /** The model and settings fresh proposals are sampled with; null for a pool-only chain. */
  sampling: McmcSampling | null
  pendingSample: PendingSample | null
}

export interface StepRecord {
  chainId: number
  step: number
  decision: McmcDecision
  proposal: McmcProposal | null
  judgeKind: 'human' | 'auto'
  annotatorId: number
  distanceBefore: number | null
  distanceAfter: number | null
  idempotencyKey: string
  createdAt: string
}

interface ChainRow {
  id: number
  number: number
  project_id: number
  prompt_id: number
  judge: McmcJudge
  state: 'running' | 'finished'
  set_size: number
  initial_members: string
  members: string
  proposal: string | null
  step: number
  accepted: number
  rejected: number
  seed: number
  rng_state: number
  classifier_id: string | null
  result_set_id: number | null
  created_by: number
  created_at: string
  updated_at: string
  proposal_source: McmcProposalSource
  sampling: string | null
  pending_sample: string | null
}

interface StepRow {
  chain_id: number
  step: number
  decision: McmcDecision
  position: number | null
  out_image_id: number | null
  in_image_id: number | null
  judge_kind: 'human' | 'auto'
  annotator_id: number
  distance_before: number | null
  distance_after: number | null
  idempotency_key: string
  created_at: string
}

const toChain = (r: ChainRow): ChainRecord => ({
  id: r.id,
  number: r.number,
  projectId: r.project_id,
  promptId: r.prompt_id,
  judge: r.judge,
  state: r.state,
  setSize: r.set_size,
  initialMembers: JSON.parse(r.initial_members) as number[],
  members: JSON.parse(r.members) as number[],
  proposal: r.proposal === null ? null : (JSON.parse(r.proposal) as McmcProposal),
  step: r.step,
  accepted: r.accepted,
  rejected: r.rejected,
  seed: r.seed,
  rngState: r.rng_state,
  classifierId: r.classifier_id,
  resultSetId: r.result_set_id,
  createdBy: r.created_by,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  proposalSource: r.proposal_source,
  sampling: r.sampling === null ? null : (JSON.parse(r.sampling) as McmcSampling),
  pendingSample: r.pending_sample === null ? null : (JSON.parse(r.pending_sample) as PendingSample)
})

const toStep = (r: StepRow): StepRecord => ({
  chainId: r.chain_id,
  step: r.step,
  decision: r.decision,
  // position/out/in are null for a stop with nothing pending (or a log entry whose image was deleted).
  proposal: r.position !== null && r.out_image_id !== null && r.in_image_id !== null ? { position: r.position, outImageId: r.out_image_id, inImageId: r.in_image_id } : null,
  judgeKind: r.judge_kind,
  annotatorId: r.annotator_id,
  distanceBefore: r.distance_before,
  distanceAfter: r.distance_after,
  idempotencyKey: r.idempotency_key,
  createdAt: r.created_at
})

export type NewChain = Pick<
  ChainRecord,
  'projectId' | 'promptId' | 'judge' | 'setSize' | 'members' | 'proposal' | 'seed' | 'rngState' | 'classifierId' | 'createdBy' | 'proposalSource' | 'sampling' | 'pendingSample'
>
export type ChainUpdate = Pick<ChainRecord, 'state' | 'members' | 'proposal' | 'step' | 'accepted' | 'rejected' | 'rngState' | 'resultSetId' | 'pendingSample'>

export function mcmcChainsRepo(db: Database.Database) {
  const insert = db.prepare(
    `INSERT INTO mcmc_chains (project_id, prompt_id, judge, set_size, initial_members, members, proposal, seed, rng_state, classifier_id, created_by,
       proposal_source, sampling, pending_sample)
     VALUES (@projectId, @promptId, @judge, @setSize, @members, @members, @proposal, @seed, @rngState, @classifierId, @createdBy,
       @proposalSource, @sampling, @pendingSample) RETURNING *`
  )
  const byId = db.prepare<[number], ChainRow>('SELECT * FROM mcmc_chains WHERE id = ?')
  const ofProject = db.prepare<[number], ChainRow>('SELECT * FROM mcmc_chains WHERE project_id = ? ORDER BY id')
  const update = db.prepare(
    `UPDATE mcmc_chains SET state = @state, members = @members, proposal = @proposal, step = @step, accepted = @accepted,
       rejected = @rejected, rng_state = @rngState, result_set_id = @resultSetId, pending_sample = @pendingSample, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now')
     WHERE id = @id`
  )
  const insertStep = db.prepare(
    `INSERT INTO mcmc_steps (chain_id, step, decision, position, out_image_id, in_image_id, judge_kind, annotator_id, distance_before, distance_after, idempotency_key)
     VALUES (@chainId, @step, @decision, @position, @outImageId, @inImageId, @judgeKind, @annotatorId, @distanceBefore, @distanceAfter, @idempotencyKey)`
  )
  const stepByKey = db.prepare<[string], StepRow>('SELECT * FROM mcmc_steps WHERE idempotency_key = ?')
  const stepsOf = db.prepare<[number], StepRow>('SELECT * FROM mcmc_steps WHERE chain_id = ? ORDER BY step')
  const proposedIn = db.prepare<[number], number>('SELECT DISTINCT in_image_id FROM mcmc_steps WHERE chain_id = ? AND in_image_id IS NOT NULL').pluck()

  return {
    create(c: NewChain): ChainRecord {
      const inserted = insert.get({
        ...c,
        members: JSON.stringify(c.members),
        proposal: c.proposal && JSON.stringify(c.proposal),
        sampling: c.sampling && JSON.stringify(c.sampling),
        pendingSample: c.pendingSample && JSON.stringify(c.pendingSample)
      }) as ChainRow
      // Read back: RETURNING shows the row before the trigger that numbers it (migration 9) ran.
      return toChain(byId.get(inserted.id)!)
    },
    get(id: number): ChainRecord | null {
      const row = byId.get(id)
      return row ? toChain(row) : null
    },
    list(projectId: number): ChainRecord[] {
      return ofProject.all(projectId).map(toChain)
    },
    /** Rewrites the chain's state; call inside the transaction that appends the step. */
    update(id: number, u: ChainUpdate): ChainRecord {
      update.run({
        state: u.state,
        members: JSON.stringify(u.members),
        proposal: u.proposal && JSON.stringify(u.proposal),
        step: u.step,
        accepted: u.accepted,
        rejected: u.rejected,
        rngState: u.rngState,
        resultSetId: u.resultSetId,
        pendingSample: u.pendingSample && JSON.stringify(u.pendingSample),
        id
      })
      return toChain(byId.get(id)!)
    },
    appendStep(s: Omit<StepRecord, 'createdAt'>): void {
      insertStep.run({
        chainId: s.chainId,
        step: s.step,
        decision: s.decision,
        position: s.proposal?.position ?? null,
        outImageId: s.proposal?.outImageId ?? null,
        inImageId: s.proposal?.inImageId ?? null,
        judgeKind: s.judgeKind,
        annotatorId: s.annotatorId,
        distanceBefore: finiteOrNull(s.distanceBefore),
        distanceAfter: finiteOrNull(s.distanceAfter),
        idempotencyKey: s.idempotencyKey
      })
    },
    stepByKey(key: string): StepRecord | null {
      const row = stepByKey.get(key)
      return row ? toStep(row) : null
    },
    /** Every image this chain has already proposed and had judged (mixed chains skip them). */
    proposedImages(chainId: number): number[] {
      return proposedIn.all(chainId)
    },
    log(chainId: number): StepRecord[] {
      return stepsOf.all(chainId).map(toStep)
    }
  }
}
export type McmcChainsRepo = ReturnType<typeof mcmcChainsRepo>

// NaN (an unmeasurable set) is stored as NULL: SQLite has no NaN.
function finiteOrNull(x: number | null): number | null {
  return x !== null && Number.isFinite(x) ? x : null
}
