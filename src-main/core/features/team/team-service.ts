// Team annotation over the workspace: annotator profiles, invites and revocation, routing of pairs
// to k annotators, per-annotator progress, agreement, adjudication, bias checks and audited edits.
// User errors are ApiFailure so both transports show the message.
import type { Agreement, Annotator, Choice, ClassifierAgreement, Criterion, InviteInfo, Judgement, Progress, TeamMember } from '@shared/contract'
import { ApiFailure } from '../../errors/api-failure'
import type { Workspace } from '../../store/open'
import { sqliteCode } from '../../store/errors'
import { adjudicationsRepo } from '../../store/repos/adjudications'
import { assignmentsRepo } from '../../store/repos/assignments'
import { invitesRepo, type InviteRecord, type RedeemFailure } from '../../store/repos/invites'
import { judgementEditsRepo } from '../../store/repos/judgement-edits'
import { wasShownSideBySide, type StoredJudgement } from '../../store/repos/judgements'
import { seededRandom } from '../../random/rng'
import { bootstrapAlpha, krippendorffAlphaNominal, percentAgreement } from '../../stats/agreement'
import { majorityAgreement } from './classifier-agreement'
import { median, responseTimeOutliers, wilsonInterval } from './bias'
import { adjudicationQueue, type QueueItem } from './disagreement'
import { planRouting } from './routing'

/** How many of an annotator's newest decisions (per project and criterion) stay editable. */
export const EDIT_WINDOW = 20
export const INVITE_PATH_PREFIX = '/invite/'

export interface RedeemedInvite {
  /** A fresh annotate-scope access token for the new session (the invite code itself is spent). */
  token: string
  annotatorId: number
  scope: 'annotate'
  /** The projects the invite granted, and so the session. */
  projects: number[]
}

export function createTeamService(ws: Workspace, opts: { now?: () => Date } = {}) {
  const assignments = assignmentsRepo(ws.db)
  const edits = judgementEditsRepo(ws.db)
  const adjudications = adjudicationsRepo(ws.db)
  const invites = invitesRepo(ws.db, opts.now)

  const member = (id: number): TeamMember => ws.annotators.status(id) ?? fail('not_found', `annotator ${id} does not exist`)
  const project = (id: number) => ws.projects.get(id) ?? fail('not_found', `project ${id} does not exist`)
  const pair = (id: number) => ws.pairs.get(id) ?? fail('not_found', `set pair ${id} does not exist`)
  const isPerson = (a: TeamMember) => a.kind === 'human'
  const ownerId = () => ws.annotators.owner().id
  const asAnnotator = ({ id, name, kind }: TeamMember): Annotator => ({ id, name, kind })

  /** Live human answers per pair for a criterion (the classifier's judgements are not a rater here). */
  function humanJudgements(projectId: number, criterion: Criterion): StoredJudgement[] {
    const people = new Set(
      ws.annotators
        .listStatus()
        .filter(isPerson)
        .map((a) => a.id)
    )
    return ws.judgements.listForProject(projectId).filter((j) => j.undoneAt === null && j.criterion === criterion && people.has(j.annotatorId))
  }

  const redeem = ws.db.transaction((code: string): RedeemedInvite | { failure: RedeemFailure } => {
    const result = invites.redeem(code)
    if ('failure' in result) return result
    const who = ws.annotators.status(result.annotatorId)
    if (!who || who.revoked) return { failure: 'revoked' }
    // The session's token grants exactly the projects the invite named.
    return { token: ws.tokens.create(result.annotatorId, 'annotate', result.projectIds), annotatorId: result.annotatorId, scope: 'annotate', projects: result.projectIds }
  })

  // Their undecided assignments are released in the same transaction, so no pair waits on someone
  // who can no longer sign in; the next team.route hands them to the active team.
  const revoke = ws.db.transaction((annotatorId: number) => {
    ws.annotators.revoke(annotatorId)
    return {
      tokensRevoked: ws.tokens.revokeAllFor(annotatorId),
      invitesRevoked: invites.revokeOpenFor(annotatorId),
      assignmentsReleased: assignments.releaseUnfinished(annotatorId)
    }
  })

  const inviteInfo = (r: InviteRecord): InviteInfo => ({
    id: r.id,
    annotator: asAnnotator(member(r.annotatorId)),
    status: r.status,
    createdAt: r.createdAt,
    expiresAt: r.expiresAt,
    redeemedAt: r.redeemedAt,
    revokedAt: r.revokedAt
  })

  return {
    createAnnotator(name: string): TeamMember {
      try {
        return member(ws.annotators.create(name, 'human').id)
      } catch (err) {
        if (sqliteCode(err) === 'SQLITE_CONSTRAINT_UNIQUE') fail('conflict', `an annotator named "${name}" already exists`)
        throw err
      }
    },

    listAnnotators(): TeamMember[] {
      return ws.annotators.listStatus()
    },

    /** A one-time invite for a person on the team; the link path carries the code. */
    invite(annotatorId: number, ttlHours: number, projectIds: readonly number[]): { id: number; code: string; path: string; expiresAt: string } {
      const who = member(annotatorId)
      if (!isPerson(who)) fail('bad_request', `annotator "${who.name}" is a classifier and cannot be invited`)
      if (annotatorId === ownerId()) fail('bad_request', 'the owner signs in with the owner token, not an invite')
      if (who.revoked) fail('conflict', `annotator "${who.name}" was revoked; create a new profile to invite them again`)
      if (projectIds.length === 0) fail('bad_request', 'an invite must name at least one project the annotator may label')
      for (const projectId of projectIds) if (!ws.projects.get(projectId)) fail('not_found', `project ${projectId} does not exist`)
      const { id, code, expiresAt } = invites.create(annotatorId, ttlHours * 3_600_000, projectIds)
      return { id, code, path: INVITE_PATH_PREFIX + code, expiresAt }
    },

    /** Every invite with its status (open, redeemed, expired, revoked), newest first. */
    listInvites(): InviteInfo[] {
      return invites.list().map(inviteInfo)
    },

    /** Revokes one open invite; anything else is refused with the invite's status. */
    revokeInvite(inviteId: number): InviteInfo {
      const before = invites.get(inviteId) ?? fail('not_found', `invite ${inviteId} does not exist`)
      if (before.status !== 'open') fail('conflict', `invite ${inviteId} is ${before.status} and can no longer be revoked`)
      // A redemption may land between the read and the update; the guarded UPDATE decides.
      if (!invites.revoke(inviteId)) fail('conflict', `invite ${inviteId} is ${invites.get(inviteId)!.status} and can no longer be revoked`)
      return inviteInfo(invites.get(inviteId)!)
    },

    /** Spends an invite code and issues the annotate-scope token of a new session, or says why not. */
    redeemInvite(code: string): RedeemedInvite | { failure: RedeemFailure } {
      return redeem.immediate(code)
    },

    /** Ends an annotator's access: their tokens (so their sessions) and open invites; history stays. */
    revoke(annotatorId: number) {
      const who = member(annotatorId)
      if (annotatorId === ownerId() || !isPerson(who)) fail('bad_request', `"${who.name}" cannot be revoked`)
      const counts = revoke.immediate(annotatorId)
      return { annotator: member(annotatorId), ...counts }
    },

    /** Routes every pair of the project to k annotators and switches routing on for it. */
    route(projectId: number, k: number, annotatorIds: readonly number[] | undefined, seed: number) {
      project(projectId)
      const team = annotatorIds
        ? annotatorIds.map((id) => {
            const who = member(id)
            if (!isPerson(who)) fail('bad_request', `annotator "${who.name}" is a classifier; only people are routed pairs`)
            if (who.revoked) fail('bad_request', `annotator "${who.name}" was revoked`)
            return id
          })
        : ws.annotators
            .listStatus()
            .filter((a) => isPerson(a) && !a.revoked && a.id !== ownerId())
            .map((a) => a.id)
      const pairIds = ws.pairs.list(projectId).map((p) => p.id)
      const existing = new Map<number, Set<number>>()
      for (const a of assignments.list(projectId)) {
        if (!existing.has(a.pairId)) existing.set(a.pairId, new Set())
        existing.get(a.pairId)!.add(a.annotatorId)
      }
      let plan: ReturnType<typeof planRouting>
      try {
        plan = planRouting({ pairIds, existing, annotatorIds: team, k, random: seededRandom(seed) })
      } catch (err) {
        fail('bad_request', err instanceof Error ? err.message : String(err))
      }
      assignments.add(projectId, k, plan.assignments)
      return { assigned: plan.assignments.length, pairs: pairIds.length, short: plan.short }
    },

    routingEnabled(projectId: number): boolean {
      return assignments.overlap(projectId) !== null
    },

    /** The next pair for this annotator: under routing only their own, in their own order. */
    nextPair(annotatorId: number, projectId: number, criterion: Criterion): number | null {
      if (assignments.overlap(projectId) === null) return ws.judgements.nextUnjudgedPair(annotatorId, projectId, criterion)
      return assignments.nextPair(annotatorId, projectId, criterion)
    },

    progress(annotatorId: number, projectId: number, criterion: Criterion): Progress {
      if (assignments.overlap(projectId) === null) return ws.judgements.progress(annotatorId, projectId, criterion)
      return assignments.progress(annotatorId, projectId, criterion)
    },

    /** Under routing a pair may only be judged by the people it was routed to. */
    assertMayJudge(annotatorId: number, pairId: number): void {
      const p = pair(pairId)
      if (assignments.overlap(p.projectId) !== null && !assignments.isAssigned(pairId, annotatorId)) {
        fail('forbidden', `set pair ${pairId} is not assigned to you`)
      }
    },

    teamProgress(projectId: number, criterion: Criterion) {
      project(projectId)
      const routed = assignments.overlap(projectId) !== null
      return ws.annotators
        .listStatus()
        .filter(isPerson)
        .map((a) => {
          const { done, total } = routed ? assignments.progress(a.id, projectId, criterion) : ws.judgements.progress(a.id, projectId, criterion)
          return { annotator: asAnnotator(a), assigned: total, done }
        })
        .filter((row) => !routed || row.assigned > 0 || row.done > 0)
    },

    agreement(projectId: number, criterion: Criterion, resamples: number, seed: number): Agreement {
      project(projectId)
      const byPair = new Map<number, string[]>()
      for (const j of humanJudgements(projectId, criterion)) {
        if (j.choice === 'cant_judge') continue // "can't judge" is missing data, not a category
        if (!byPair.has(j.pairId)) byPair.set(j.pairId, [])
        byPair.get(j.pairId)!.push(j.choice)
      }
      const units = [...byPair.values()]
      const usable = units.filter((u) => u.length >= 2)
      return {
        criterion,
        units: usable.length,
        answers: usable.reduce((s, u) => s + u.length, 0),
        percentAgreement: percentAgreement(units),
        alpha: krippendorffAlphaNominal(units),
        alphaCi: bootstrapAlpha(units, resamples, seededRandom(seed)),
        resamples
      }
    },

    /** The classifier annotator against the people's majority, on the pairs both judged. */
    classifierAgreement(projectId: number, criterion: Criterion): ClassifierAgreement {
      project(projectId)
      const classifierId = ws.annotators.classifier().id
      const machine = ws.judgements.listForProject(projectId).filter((j) => j.undoneAt === null && j.criterion === criterion && j.annotatorId === classifierId)
      const people = new Map<number, Choice[]>()
      for (const j of humanJudgements(projectId, criterion)) {
        if (!people.has(j.pairId)) people.set(j.pairId, [])
        people.get(j.pairId)!.push(j.choice)
      }
      return {
        criterion,
        ...majorityAgreement(
          machine.map((j) => ({ pairId: j.pairId, choice: j.choice })),
          people
        )
      }
    },

    adjudicationQueue(projectId: number, criterion: Criterion): QueueItem[] {
      project(projectId)
      const resolved = adjudications.resolvedPairIds(projectId, criterion)
      const byPair = new Map<number, Choice[]>()
      for (const j of humanJudgements(projectId, criterion)) {
        if (resolved.has(j.pairId)) continue
        if (!byPair.has(j.pairId)) byPair.set(j.pairId, [])
        byPair.get(j.pairId)!.push(j.choice)
      }
      return adjudicationQueue(byPair)
    },

    adjudicate(pairId: number, criterion: Criterion, choice: Choice, annotatorId: number) {
      pair(pairId)
      const { pairId: id, criterion: c, choice: ch, createdAt } = adjudications.add(pairId, criterion, choice, annotatorId)
      return { pairId: id, criterion: c, choice: ch, createdAt }
    },

    biasCheck(projectId: number, criterion: Criterion) {
      project(projectId)
      const byAnnotator = new Map<number, StoredJudgement[]>()
      // Side and speed are only measured where the two sets were shown left and right.
      for (const j of humanJudgements(projectId, criterion).filter(wasShownSideBySide)) {
        if (!byAnnotator.has(j.annotatorId)) byAnnotator.set(j.annotatorId, [])
        byAnnotator.get(j.annotatorId)!.push(j)
      }
      return [...byAnnotator].map(([annotatorId, list]) => {
        const sided = list.filter((j) => j.choice === 'a' || j.choice === 'b')
        const leftChosen = sided.filter((j) => j.choice === j.shownLeft).length
        const ci = wilsonInterval(leftChosen, sided.length)
        const outliers = responseTimeOutliers(list.map((j) => j.responseMs)).map((i) => ({ judgementId: list[i].id, responseMs: list[i].responseMs }))
        return {
          annotator: asAnnotator(member(annotatorId)),
          sidedDecisions: sided.length,
          leftChosen,
          leftShare: sided.length > 0 ? leftChosen / sided.length : null,
          leftShareCi: ci,
          sideBiased: ci !== null && (ci.low > 0.5 || ci.high < 0.5),
          medianResponseMs: median(list.map((j) => j.responseMs)),
          responseOutliers: outliers
        }
      })
    },

    editTrail(projectId: number) {
      project(projectId)
      return edits.listForProject(projectId)
    },

    /** The annotator's newest live decisions, with how often each was edited. */
    recent(annotatorId: number, projectId: number, criterion: Criterion, limit: number): Array<Judgement & { edits: number }> {
      project(projectId)
      return edits.recentIds(annotatorId, projectId, criterion, Math.min(limit, EDIT_WINDOW)).map((id) => ({ ...publicJudgement(ws.judgements.get(id)!), edits: edits.editCount(id) }))
    },

    /** Changes one of the caller's own recent decisions; the old choice goes to the audit trail. */
    edit(annotatorId: number, judgementId: number, choice: Choice): { judgement: Judgement; edited: boolean } {
      const j = ws.judgements.get(judgementId) ?? fail('not_found', `judgement ${judgementId} does not exist`)
      if (j.annotatorId !== annotatorId) fail('forbidden', `judgement ${judgementId} was made by someone else; only your own decisions can be edited`)
      if (j.undoneAt !== null) fail('conflict', `judgement ${judgementId} was undone and cannot be edited`)
      const p = pair(j.pairId)
      if (!edits.recentIds(annotatorId, p.projectId, j.criterion, EDIT_WINDOW).includes(judgementId)) {
        fail('conflict', `judgement ${judgementId} is older than your last ${EDIT_WINDOW} decisions and can no longer be edited`)
      }
      const edited = edits.edit(judgementId, choice, annotatorId)
      return { judgement: publicJudgement(ws.judgements.get(judgementId)!), edited }
    }
  }
}
export type TeamService = ReturnType<typeof createTeamService>

function publicJudgement(j: StoredJudgement): Judgement {
  const { idempotencyKey: _k, undoneAt: _u, ...pub } = j
  return pub
}

function fail(code: 'not_found' | 'conflict' | 'bad_request' | 'forbidden', message: string): never {
  throw new ApiFailure(code, message)
}
