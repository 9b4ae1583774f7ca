// Background jobs: kind, state, progress, and a JSON payload from which a job can resume.
import type Database from 'better-sqlite3'
import type { Job } from '@shared/contract'

type Kind = Job['kind']
type State = Job['state']

interface JobRow {
  id: number
  project_id: number | null
  kind: Kind
  state: State
  done: number
  total: number
  message: string
  error: string | null
  payload: string
  number: number
  name: string | null
  created_at: string
  updated_at: string
}

export interface JobRecord extends Job {
  payload: unknown
}

export interface JobPatch {
  state?: State
  done?: number
  total?: number
  message?: string
  error?: string | null
  payload?: unknown
}

const toJob = (r: JobRow): JobRecord => ({
  id: r.id,
  projectId: r.project_id,
  kind: r.kind,
  state: r.state,
  done: r.done,
  total: r.total,
  message: r.message,
  error: r.error,
  number: r.number,
  name: r.name,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  payload: JSON.parse(r.payload) as unknown
})

/** The API shape, without the internal payload. */
export function publicJob(j: JobRecord): Job {
  const { payload: _payload, ...job } = j
  return job
}

export function jobsRepo(db: Database.Database) {
  const insert = db.prepare<[number | null, string, number, string, string], JobRow>('INSERT INTO jobs (project_id, kind, total, message, payload) VALUES (?, ?, ?, ?, ?) RETURNING *')
  const byId = db.prepare<[number], JobRow>('SELECT * FROM jobs WHERE id = ?')
  const setName = db.prepare<[string | null, number]>('UPDATE jobs SET name = ? WHERE id = ?')
  const all = db.prepare<[], JobRow>('SELECT * FROM jobs ORDER BY id DESC')
  const ofProject = db.prepare<[number], JobRow>('SELECT * FROM jobs WHERE project_id = ? ORDER BY id DESC')
  const inStates = db.prepare<[string], JobRow>('SELECT * FROM jobs WHERE state IN (SELECT value FROM json_each(?)) ORDER BY id')
  const update = db.prepare(
    `UPDATE jobs SET state = @state, done = @done, total = @total, message = @message, error = @error, payload = @payload,
       updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE id = @id RETURNING *`
  )
  const get = (id: number): JobRecord | null => {
    const row = byId.get(id)
    return row ? toJob(row) : null
  }
  return {
    create(j: { projectId: number | null; kind: Kind; total?: number; message?: string; payload?: unknown }): JobRecord {
      // Read back: RETURNING shows the row before the trigger that numbers it (migration 9) ran.
      return get(insert.get(j.projectId, j.kind, j.total ?? 0, j.message ?? '', JSON.stringify(j.payload ?? {}))!.id)!
    },
    get,
    /** Names a job (a run, mostly); null goes back to its number. Returns false when there is no such job. */
    rename(id: number, name: string | null): boolean {
      return setName.run(name, id).changes === 1
    },
    list(projectId?: number): JobRecord[] {
      return (projectId === undefined ? all.all() : ofProject.all(projectId)).map(toJob)
    },
    /** Jobs in any of these states, oldest first (e.g. 'running' ones to resume after a crash). */
    inStates(states: readonly State[]): JobRecord[] {
      return inStates.all(JSON.stringify(states)).map(toJob)
    },
    /** Applies a partial change and bumps updated_at; throws for an unknown job id. */
    update(id: number, patch: JobPatch): JobRecord {
      const current = get(id)
      if (!current) throw new Error(`job ${id} does not exist`)
      const next = { ...current, ...patch }
      return toJob(
        update.get({
          id,
          state: next.state,
          done: next.done,
          total: next.total,
          message: next.message,
          error: next.error,
          payload: JSON.stringify(next.payload ?? {})
        }) as JobRow
      )
    }
  }
}
export type JobsRepo = ReturnType<typeof jobsRepo>
