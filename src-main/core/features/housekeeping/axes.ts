// Renaming and deleting a taxonomy axis (issue 10, housekeeping). Classifier verdicts name the axes
// they read ("silhouette": "round"), and a classifier's mapping is checked against the project's axes
// by name, so an axis the stored verdicts already read is neither renamed nor deleted: that would leave
// those verdicts unmatched and the classifier refused. Work in flight that reads the axes (a
// classifier-judged refinement chain, a classification, acquisition or report job) also refuses it.
import type { Axis, HousekeepingImpact } from '@shared/contract'
import { ApiFailure } from '../../errors/api-failure'
import { AxisError } from '../../store/repos/axes'
import { ACTIVE_STATES, count, type HousekeepingContext } from './context'

export function axisHousekeeping(ctx: HousekeepingContext) {
  const { ws, scalar, notFound, refuseIfBlocked } = ctx
  const db = ws.db

  const axisOf = (axisId: number): Axis => {
    const axis = ws.axes.get(axisId)
    if (!axis || !ctx.liveProject(axis.projectId)) notFound('this axis')
    return axis!
  }

  /** What depends on the axis by its name; the same list refuses a rename and a delete. */
  const dependants = (axis: Axis): string[] => {
    const verdicts = scalar(
      `SELECT count(*) FROM image_classifications c JOIN images i ON i.id = c.image_id
       WHERE i.project_id = ? AND EXISTS (SELECT 1 FROM json_each(c.attributes) WHERE key = ?)`,
      axis.projectId,
      axis.name
    )
    const classifiers = db
      .prepare<[number, string], string>(
        `SELECT DISTINCT c.classifier_id FROM image_classifications c JOIN images i ON i.id = c.image_id
         WHERE i.project_id = ? AND EXISTS (SELECT 1 FROM json_each(c.attributes) WHERE key = ?) ORDER BY 1 LIMIT 3`
      )
      .pluck()
      .all(axis.projectId, axis.name)
    const chains = scalar("SELECT count(*) FROM mcmc_chains WHERE project_id = ? AND state = 'running' AND judge <> 'human'", axis.projectId)
    const jobs = scalar(`SELECT count(*) FROM jobs WHERE project_id = ? AND kind IN ('classify', 'acquire', 'audit') AND state IN ${ACTIVE_STATES}`, axis.projectId)
    const blockers: string[] = []
    if (verdicts > 0) {
      const by = classifiers.length > 0 ? ` (${classifiers.join(', ')})` : ''
      blockers.push(`the classifier verdicts of ${count(verdicts, 'image')}${by} read this axis by its name, and the classifier's mapping predicts it`)
    }
    if (chains > 0)
      blockers.push(
        `${count(chains, 'classifier-judged refinement chain is', 'classifier-judged refinement chains are')} still running on this project's axes: stop ${chains === 1 ? 'it' : 'them'} first`
      )
    if (jobs > 0)
      blockers.push(`${count(jobs, 'classification, acquisition or report job', 'classification, acquisition or report jobs')} of this project ${jobs === 1 ? 'is' : 'are'} still running or paused`)
    return blockers
  }

  const impact = (axisId: number): HousekeepingImpact => {
    const axis = axisOf(axisId)
    return {
      blockers: dependants(axis),
      removes: [`the axis "${axis.name}" with its ${count(axis.classes.length, 'class', 'classes')} and its ideal distribution`],
      keeps: ['reports already built, with the axis as it was']
    }
  }

  const rename = db.transaction((axisId: number, name: string, by: number): Axis => {
    const before = axisOf(axisId)
    if (before.name === name) return before
    refuseIfBlocked(`axis "${before.name}"`, { blockers: dependants(before), removes: [], keeps: [] }, 'renamed')
    let after: Axis | null
    try {
      after = ws.axes.rename(axisId, name)
    } catch (err) {
      if (err instanceof AxisError) throw new ApiFailure('conflict', err.message)
      throw err
    }
    ctx.log(before.projectId, 'axis', axisId, 'rename', before.name, name, by)
    return after!
  })

  const remove = db.transaction((axisId: number, by: number): void => {
    const before = axisOf(axisId)
    refuseIfBlocked(`axis "${before.name}"`, impact(axisId))
    ws.axes.remove(axisId)
    ctx.log(before.projectId, 'axis', axisId, 'delete', before.name, null, by)
  })

  return {
    impact,
    rename: (axisId: number, name: string, by: number): Axis => rename.immediate(axisId, name, by),
    remove: (axisId: number, by: number): void => remove.immediate(axisId, by)
  }
}
