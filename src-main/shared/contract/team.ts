// Team annotation: annotators, invites, routing pairs to people, agreement, adjudication and bias checks.
import { z } from 'zod'
import { Choice, Criterion, Id, Interval, Name, method, none } from './common'
import { JudgementEdit } from './labelling'
import { Annotator } from './session'

export const TeamMember = z.object({ id: Id, name: Name, kind: z.enum(['human', 'classifier']), revoked: z.boolean(), createdAt: z.string() })
export type TeamMember = z.infer<typeof TeamMember>
export const Invite = z.object({
  /** Shown once; only its digest is stored. */
  code: z.string(),
  /** Path to open on the served studio, e.g. `/invite/<code>`. */
  path: z.string(),
  expiresAt: z.string(),
  /** The invite's id, for team.revokeInvite. */
  id: Id.optional()
})
export type Invite = z.infer<typeof Invite>
export const AnnotatorProgress = z.object({ annotator: Annotator, assigned: z.number().int().nonnegative(), done: z.number().int().nonnegative() })
export const Agreement = z.object({
  criterion: Criterion,
  /** Pairs with at least two usable answers (can't-judge is missing data). */
  units: z.number().int().nonnegative(),
  answers: z.number().int().nonnegative(),
  percentAgreement: z.number().min(0).max(1).nullable(),
  /** Krippendorff's alpha (nominal); null when there is no variation to measure against. */
  alpha: z.number().nullable(),
  alphaCi: Interval.nullable(),
  resamples: z.number().int().nonnegative()
})
export type Agreement = z.infer<typeof Agreement>
/** How often the classifier annotator agrees with the people's majority on pairs both judged. */
export const ClassifierAgreement = z.object({
  criterion: Criterion,
  /** Pairs with a strict human majority (can't-judge left out) and a classifier answer. */
  pairs: z.number().int().nonnegative(),
  agreed: z.number().int().nonnegative(),
  /** agreed / pairs; null when there is no such pair. */
  percentAgreement: z.number().min(0).max(1).nullable(),
  /** Pairs the classifier judged that have no human majority yet (no answers, or a split). */
  withoutMajority: z.number().int().nonnegative()
})
export type ClassifierAgreement = z.infer<typeof ClassifierAgreement>
export const InviteStatus = z.enum(['open', 'redeemed', 'expired', 'revoked'])
export type InviteStatus = z.infer<typeof InviteStatus>
/** An invite as the owner lists it; its code is never stored, so never listed. */
export const InviteInfo = z.object({
  id: Id,
  annotator: Annotator,
  status: InviteStatus,
  createdAt: z.string(),
  expiresAt: z.string(),
  redeemedAt: z.string().nullable(),
  revokedAt: z.string().nullable()
})
export type InviteInfo = z.infer<typeof InviteInfo>
export const ChoiceCounts = z.object({ a: z.number().int(), b: z.number().int(), tie: z.number().int(), cant_judge: z.number().int() })
export const AdjudicationItem = z.object({
  pairId: Id,
  counts: ChoiceCounts,
  answers: z.number().int().nonnegative(),
  /** 1 - share of the most frequent answer: 0 is unanimous. */
  disagreement: z.number().min(0).max(1)
})
export const BiasReport = z.object({
  annotator: Annotator,
  /** Decisions for a or b (ties and can't-judge say nothing about sides). */
  sidedDecisions: z.number().int().nonnegative(),
  leftChosen: z.number().int().nonnegative(),
  leftShare: z.number().min(0).max(1).nullable(),
  /** Wilson 95% interval of the left share. */
  leftShareCi: Interval.nullable(),
  /** True when 0.5 lies outside the interval. */
  sideBiased: z.boolean(),
  medianResponseMs: z.number().nullable(),
  /** Judgements whose response time is an outlier (robust z-score of log time above 3.5). */
  responseOutliers: z.array(z.object({ judgementId: Id, responseMs: z.number().int().nonnegative() }))
})

export const teamMethods = {
  'team.createAnnotator': method(z.object({ name: Name }).strict(), TeamMember),
  'team.listAnnotators': method(none, z.array(TeamMember)),
  /** projectIds: the projects the invited annotator may label; their session reaches no other (issue 11, finding 6). */
  'team.invite': method(
    z
      .object({
        annotatorId: Id,
        projectIds: z.array(Id).min(1).max(1000),
        ttlHours: z
          .number()
          .positive()
          .max(24 * 30)
          .default(72)
      })
      .strict(),
    Invite
  ),
  'team.revoke': method(
    z.object({ annotatorId: Id }).strict(),
    z.object({
      annotator: TeamMember,
      tokensRevoked: z.number().int().nonnegative(),
      invitesRevoked: z.number().int().nonnegative(),
      /** Assigned pairs they had not decided, released for the next team.route to hand to someone else. */
      assignmentsReleased: z.number().int().nonnegative().optional()
    })
  ),
  'team.listInvites': method(none, z.array(InviteInfo)),
  /** Revokes one open invite (a spent, expired or already revoked one is refused with its status). */
  'team.revokeInvite': method(z.object({ inviteId: Id }).strict(), InviteInfo),
  'team.classifierAgreement': method(z.object({ projectId: Id, criterion: Criterion.default('fairness') }).strict(), ClassifierAgreement),
  /** Routes every pair of the project to k annotators (incremental; switches routing on for the project). */
  'team.route': method(
    z
      .object({
        projectId: Id,
        k: z.number().int().min(1).max(50).default(3),
        annotatorIds: z.array(Id).min(1).max(500).optional(),
        seed: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional()
      })
      .strict(),
    z.object({ assigned: z.number().int().nonnegative(), pairs: z.number().int().nonnegative(), short: z.number().int().nonnegative() })
  ),
  'team.progress': method(z.object({ projectId: Id, criterion: Criterion.default('fairness') }).strict(), z.array(AnnotatorProgress)),
  'team.agreement': method(
    z
      .object({
        projectId: Id,
        criterion: Criterion.default('fairness'),
        resamples: z.number().int().min(0).max(10_000).default(1000),
        seed: z
          .number()
          .int()
          .min(0)
          .max(2 ** 32 - 1)
          .default(1)
      })
      .strict(),
    Agreement
  ),
  'team.adjudicationQueue': method(z.object({ projectId: Id, criterion: Criterion.default('fairness') }).strict(), z.array(AdjudicationItem)),
  'team.adjudicate': method(z.object({ pairId: Id, criterion: Criterion, choice: Choice }).strict(), z.object({ pairId: Id, criterion: Criterion, choice: Choice, createdAt: z.string() })),
  'team.biasCheck': method(z.object({ projectId: Id, criterion: Criterion.default('fairness') }).strict(), z.array(BiasReport)),
  'team.editTrail': method(z.object({ projectId: Id }).strict(), z.array(JudgementEdit))
} as const
