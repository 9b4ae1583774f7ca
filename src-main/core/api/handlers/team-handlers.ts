// The team.* methods and the label.recent / label.edit additions of the contract, over the team
// service (core/features/team).
import type { Handlers } from '../dispatch'
import type { TeamService } from '../../features/team/team-service'

type TeamMethods = Pick<
  Handlers,
  | 'team.createAnnotator'
  | 'team.listAnnotators'
  | 'team.invite'
  | 'team.revoke'
  | 'team.listInvites'
  | 'team.revokeInvite'
  | 'team.classifierAgreement'
  | 'team.route'
  | 'team.progress'
  | 'team.agreement'
  | 'team.adjudicationQueue'
  | 'team.adjudicate'
  | 'team.biasCheck'
  | 'team.editTrail'
  | 'label.recent'
  | 'label.edit'
>

export function teamHandlers(team: TeamService, randomSeed: () => number): TeamMethods {
  return {
    'team.createAnnotator': ({ name }) => team.createAnnotator(name),
    'team.listAnnotators': () => team.listAnnotators(),
    'team.invite': ({ annotatorId, ttlHours, projectIds }) => team.invite(annotatorId, ttlHours, projectIds),
    'team.revoke': ({ annotatorId }) => team.revoke(annotatorId),
    'team.listInvites': () => team.listInvites(),
    'team.revokeInvite': ({ inviteId }) => team.revokeInvite(inviteId),
    'team.classifierAgreement': ({ projectId, criterion }) => team.classifierAgreement(projectId, criterion),
    'team.route': ({ projectId, k, annotatorIds, seed }) => team.route(projectId, k, annotatorIds, seed ?? randomSeed()),
    'team.progress': ({ projectId, criterion }) => team.teamProgress(projectId, criterion),
    'team.agreement': ({ projectId, criterion, resamples, seed }) => team.agreement(projectId, criterion, resamples, seed),
    'team.adjudicationQueue': ({ projectId, criterion }) => team.adjudicationQueue(projectId, criterion),
    'team.adjudicate': ({ pairId, criterion, choice }, ctx) => team.adjudicate(pairId, criterion, choice, ctx.annotatorId),
    'team.biasCheck': ({ projectId, criterion }) => team.biasCheck(projectId, criterion),
    'team.editTrail': ({ projectId }) => team.editTrail(projectId),
    'label.recent': ({ projectId, criterion, limit }, ctx) => team.recent(ctx.annotatorId, projectId, criterion, limit),
    'label.edit': ({ judgementId, choice }, ctx) => team.edit(ctx.annotatorId, judgementId, choice)
  }
}
