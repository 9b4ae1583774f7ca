// Renaming and deleting a team member (issue 10, housekeeping). Names are what every screen shows
// for a person's decisions, so a rename changes them everywhere, and two people never share a name
// (without case or surrounding spaces). Anyone whose work is in the workspace (decisions, chain
// steps, adjudications, edits, renames) stays for the audit trail: the delete is refused and points
// at Revoke, which ends their access and keeps their history. The owner and the classifier are built
// in and found by name, so they are neither renamed nor deleted.
import type { HousekeepingImpact, TeamMember } from '@shared/contract'
import { ApiFailure } from '../../errors/api-failure'
import { CLASSIFIER_ANNOTATOR, OWNER_ANNOTATOR } from '../../store/repos/annotators'
import { count, type HousekeepingContext } from './context'

export function annotatorHousekeeping(ctx: HousekeepingContext) {
  const { ws, scalar, notFound, refuseIfBlocked } = ctx
  const db = ws.db

  const memberOf = (annotatorId: number): TeamMember => ws.annotators.status(annotatorId) ?? notFound('this team member')
  const builtIn = (m: TeamMember): string | null =>
    m.name === OWNER_ANNOTATOR ? 'the owner is built into the workspace' : m.name === CLASSIFIER_ANNOTATOR || m.kind === 'classifier' ? 'the classifier is built into the workspace' : null

  const impact = (annotatorId: number): HousekeepingImpact => {
    const m = memberOf(annotatorId)
    const blockers: string[] = []
    const fixed = builtIn(m)
    if (fixed) blockers.push(fixed)
    const decisions = scalar('SELECT count(*) FROM judgements WHERE annotator_id = ?', annotatorId)
    const steps = scalar('SELECT count(*) FROM mcmc_steps WHERE annotator_id = ?', annotatorId) + scalar('SELECT count(*) FROM mcmc_chains WHERE created_by = ?', annotatorId)
    const adjudications = scalar('SELECT count(*) FROM adjudications WHERE annotator_id = ?', annotatorId)
    const edits = scalar('SELECT count(*) FROM judgement_edits WHERE edited_by = ?', annotatorId) + scalar('SELECT count(*) FROM housekeeping_log WHERE annotator_id = ?', annotatorId)
    const work = [
      decisions > 0 ? count(decisions, 'decision') : null,
      steps > 0 ? count(steps, 'refinement step or chain', 'refinement steps and chains') : null,
      adjudications > 0 ? count(adjudications, 'adjudication') : null,
      edits > 0 ? count(edits, 'edit or rename', 'edits and renames') : null
    ].filter((w): w is string => w !== null)
    if (work.length > 0) blockers.push(`${m.name}'s work is in the workspace (${work.join(', ')}) and stays for the audit trail; use Revoke to end their access instead`)
    const invites = scalar('SELECT count(*) FROM invites WHERE annotator_id = ?', annotatorId)
    const assigned = scalar('SELECT count(*) FROM pair_assignments WHERE annotator_id = ?', annotatorId)
    const removes = [`${m.name} from the team`]
    if (invites > 0) removes.push(`their ${count(invites, 'invite')} (an open link stops working)`)
    if (assigned > 0) removes.push(`their ${count(assigned, 'assigned pair')}, which go back to routing`)
    return { blockers, removes, keeps: [] }
  }

  const rename = db.transaction((annotatorId: number, name: string, by: number): TeamMember => {
    const before = memberOf(annotatorId)
    const fixed = builtIn(before)
    if (fixed) throw new ApiFailure('conflict', `"${before.name}" cannot be renamed: ${fixed}`)
    if (before.name === name) return before
    const taken = db.prepare<[string, number], number>('SELECT id FROM annotators WHERE lower(trim(name)) = lower(trim(?)) AND id <> ?').pluck().get(name, annotatorId)
    if (taken !== undefined) throw new ApiFailure('conflict', `a team member called "${name}" already exists; choose another name`)
    db.prepare('UPDATE annotators SET name = ? WHERE id = ?').run(name, annotatorId)
    ctx.log(null, 'annotator', annotatorId, 'rename', before.name, name, by)
    return memberOf(annotatorId)
  })

  const remove = db.transaction((annotatorId: number, by: number): void => {
    const before = memberOf(annotatorId)
    refuseIfBlocked(`"${before.name}"`, impact(annotatorId))
    // Tokens, invites (and the projects they named) and assignments go with the row (ON DELETE CASCADE):
    // a signed-in session fails its next request, since every request re-verifies its token.
    db.prepare('DELETE FROM annotators WHERE id = ?').run(annotatorId)
    ctx.log(null, 'annotator', annotatorId, 'delete', before.name, null, by)
  })

  return {
    impact,
    rename: (annotatorId: number, name: string, by: number): TeamMember => rename.immediate(annotatorId, name, by),
    remove: (annotatorId: number, by: number): void => remove.immediate(annotatorId, by)
  }
}
