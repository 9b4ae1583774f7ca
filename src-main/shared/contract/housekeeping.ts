// Housekeeping (issue 10): rename and delete projects, prompts, sets, runs, axes, reports and
// annotators, and delete pairs (a pair has no name of its own: it is its two sets). A delete is asked
// about first (`housekeeping.impact`: what it removes, what it keeps, what stops it), so the
// confirmation can say so; deletes that would erase recorded decisions are refused.
import { z } from 'zod'
import { Id, LongText, Name, method } from './common'
import { Axis, ImageSet, Project, Prompt } from './projects'
import { TeamMember } from './team'

export const HousekeepingEntity = z.enum(['project', 'prompt', 'set', 'run', 'pair', 'axis', 'report', 'annotator'])
export type HousekeepingEntity = z.infer<typeof HousekeepingEntity>

export const HousekeepingImpact = z.object({
  /** Reasons the delete is refused, in the user's words; empty when it may go ahead. */
  blockers: z.array(z.string()),
  removes: z.array(z.string()),
  keeps: z.array(z.string())
})
export type HousekeepingImpact = z.infer<typeof HousekeepingImpact>

export const HousekeepingLogEntry = z.object({
  entity: HousekeepingEntity,
  action: z.enum(['rename', 'delete']),
  before: z.string(),
  after: z.string().nullable(),
  /** The annotator's name. */
  by: z.string(),
  at: z.string()
})
export type HousekeepingLogEntry = z.infer<typeof HousekeepingLogEntry>

const ok = z.object({ ok: z.literal(true) })

export const housekeepingMethods = {
  'housekeeping.impact': method(z.object({ entity: HousekeepingEntity, id: Id }).strict(), HousekeepingImpact),
  'housekeeping.log': method(z.object({ projectId: Id }).strict(), z.array(HousekeepingLogEntry)),
  'projects.rename': method(z.object({ projectId: Id, name: Name }).strict(), Project),
  'projects.delete': method(z.object({ projectId: Id }).strict(), ok),
  'prompts.rename': method(z.object({ promptId: Id, text: Name.pipe(LongText) }).strict(), Prompt),
  'prompts.delete': method(z.object({ promptId: Id }).strict(), ok),
  /** name null: back to "Set <number>". */
  'sets.rename': method(z.object({ setId: Id, name: Name.nullable() }).strict(), ImageSet),
  'sets.delete': method(z.object({ setId: Id }).strict(), ok),
  'runs.rename': method(z.object({ runId: Id, name: Name.nullable() }).strict(), ok),
  'runs.delete': method(z.object({ runId: Id }).strict(), ok),
  'pairs.delete': method(z.object({ pairId: Id }).strict(), ok),
  /** Renames the axis; its classes and ideal distribution stay (axes.save edits those). */
  'axes.rename': method(z.object({ axisId: Id, name: Name }).strict(), Axis),
  'axes.delete': method(z.object({ axisId: Id }).strict(), ok),
  /** name null: back to the title the report was built with. The stored report itself is never rewritten. */
  'report.rename': method(z.object({ reportId: Id, name: Name.nullable() }).strict(), ok),
  'report.delete': method(z.object({ reportId: Id }).strict(), ok),
  'team.renameAnnotator': method(z.object({ annotatorId: Id, name: Name }).strict(), TeamMember),
  'team.deleteAnnotator': method(z.object({ annotatorId: Id }).strict(), ok)
} as const
