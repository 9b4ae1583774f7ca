// Deleting a pair of sets (issue 10, housekeeping). A pair has no name of its own, so it is only
// deleted, never renamed. Anything a person or the classifier decided about it is the audit trail:
// decisions (undone ones included), an adjudication, a snapshot or the acquisition ledger refuse the
// delete. What may go is the pair and its routing; both sets and their images stay.
import type { HousekeepingImpact } from '@shared/contract'
import { count, setLabel, type HousekeepingContext } from './context'

export function pairHousekeeping(ctx: HousekeepingContext) {
  const { ws, scalar, notFound, refuseIfBlocked } = ctx
  const db = ws.db

  const pairOf = (pairId: number) => {
    const pair = ws.pairs.get(pairId)
    if (!pair || !ctx.liveProject(pair.projectId)) notFound('this pair')
    return pair!
  }
  /** "Set 1 and Set 2": what the Pairs screen shows for it. */
  const label = (pair: { setA: number; setB: number }): string => {
    const name = (id: number) => {
      const set = ws.sets.get(id)
      return set ? setLabel(set) : 'a deleted set'
    }
    return `${name(pair.setA)} and ${name(pair.setB)}`
  }

  const impact = (pairId: number): HousekeepingImpact => {
    pairOf(pairId)
    const decisions = scalar('SELECT count(*) FROM judgements WHERE pair_id = ?', pairId)
    const adjudicated = scalar('SELECT count(*) FROM adjudications WHERE pair_id = ?', pairId)
    const snapshots = scalar('SELECT count(DISTINCT snapshot_id) FROM snapshot_pairs WHERE pair_id = ?', pairId)
    const ledger = scalar('SELECT count(*) FROM acquire_pairs WHERE pair_id = ?', pairId)
    const blockers: string[] = []
    if (decisions > 0) blockers.push(`${count(decisions, 'decision was', 'decisions were')} recorded on it; they stay for the audit trail`)
    if (adjudicated > 0) blockers.push('it was adjudicated')
    if (snapshots > 0) blockers.push(`it is part of ${count(snapshots, 'preference snapshot')}`)
    if (ledger > 0) blockers.push('it is in the acquisition ledger')
    const assigned = scalar('SELECT count(*) FROM pair_assignments WHERE pair_id = ?', pairId)
    return {
      blockers,
      removes: ['the pair from the label queue', ...(assigned > 0 ? [`its ${count(assigned, 'assignment')} to annotators`] : [])],
      keeps: ['both sets and their images']
    }
  }

  const remove = db.transaction((pairId: number, by: number) => {
    const pair = pairOf(pairId)
    const what = label(pair)
    refuseIfBlocked(`the pair ${what}`, impact(pairId))
    db.prepare('DELETE FROM set_pairs WHERE id = ?').run(pairId)
    ctx.log(pair.projectId, 'pair', pairId, 'delete', what, null, by)
  })

  return {
    impact,
    remove: (pairId: number, by: number): void => remove.immediate(pairId, by)
  }
}
