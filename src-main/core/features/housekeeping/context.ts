// What every housekeeping module shares: counting rows, the housekeeping log, and the two refusals
// (the thing is gone; something depends on it), each in the user's words.
import type { HousekeepingEntity, HousekeepingImpact } from '@shared/contract'
import { ApiFailure } from '../../errors/api-failure'
import type { Workspace } from '../../store/open'

export const ACTIVE_STATES = "('queued', 'running', 'paused')"

/** "2 pairs", "1 pair". */
export const count = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`

export function housekeepingContext(ws: Workspace) {
  const db = ws.db
  const log = db.prepare<[number | null, HousekeepingEntity, number, 'rename' | 'delete', string, string | null, number]>(
    'INSERT INTO housekeeping_log (project_id, entity, entity_id, action, before, after, annotator_id) VALUES (?, ?, ?, ?, ?, ?, ?)'
  )
  return {
    ws,
    /** The single number a COUNT query answers (0 when it answers nothing). */
    scalar: (sql: string, ...args: unknown[]): number =>
      (db
        .prepare(sql)
        .pluck()
        .get(...args) as number | undefined) ?? 0,
    /** Writes one log row; call it inside the transaction that made the change. */
    log: (projectId: number | null, entity: HousekeepingEntity, id: number, action: 'rename' | 'delete', before: string, after: string | null, by: number): void => {
      log.run(projectId, entity, id, action, before, after, by)
    },
    /** The same answer for an id that never existed, one already deleted and one in a deleted project. */
    notFound: (what: string): never => {
      throw new ApiFailure('not_found', `${what} does not exist (it may have been deleted)`)
    },
    refuseIfBlocked: (what: string, impact: HousekeepingImpact, action = 'deleted'): void => {
      if (impact.blockers.length > 0) throw new ApiFailure('conflict', `${what} cannot be ${action}: ${impact.blockers.join('; ')}`)
    },
    /** True when the project exists and is not deleted. */
    liveProject: (projectId: number | null): boolean => projectId !== null && ws.projects.get(projectId) !== null
  }
}
export type HousekeepingContext = ReturnType<typeof housekeepingContext>

/** A set as a person calls it: its name, or "Set <number>". */
export const setLabel = (s: { name: string | null; number: number }): string => s.name ?? `Set ${s.number}`
