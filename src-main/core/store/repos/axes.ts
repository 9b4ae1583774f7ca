// Attribute taxonomy axes per project (e.g. a 2-class and a 6-class axis), editable by name.
import type Database from 'better-sqlite3'
import type { Axis } from '@shared/contract'

interface AxisRow {
  id: number
  project_id: number
  name: string
  classes: string
  ideal: string | null
}

const toAxis = (r: AxisRow): Axis => ({
  id: r.id,
  projectId: r.project_id,
  name: r.name,
  classes: JSON.parse(r.classes) as string[],
  ideal: r.ideal === null ? null : (JSON.parse(r.ideal) as number[])
})

export class AxisError extends Error {}

export function axesRepo(db: Database.Database) {
  const upsert = db.prepare<[number, string, string, string | null], AxisRow>(
    `INSERT INTO axes (project_id, name, classes, ideal) VALUES (?, ?, ?, ?)
     ON CONFLICT (project_id, name) DO UPDATE SET classes = excluded.classes, ideal = excluded.ideal RETURNING *`
  )
  const ofProject = db.prepare<[number], AxisRow>('SELECT * FROM axes WHERE project_id = ? ORDER BY id')
  const byId = db.prepare<[number], AxisRow>('SELECT * FROM axes WHERE id = ?')
  const sameName = db.prepare<[number, string, number], { id: number }>('SELECT id FROM axes WHERE project_id = ? AND lower(trim(name)) = lower(trim(?)) AND id <> ?')
  const setName = db.prepare<[string, number]>('UPDATE axes SET name = ? WHERE id = ?')
  const removeRow = db.prepare<[number]>('DELETE FROM axes WHERE id = ?')
  return {
    /** Creates or replaces the axis with this name. The ideal, when given, is normalised to sum 1. */
    save(projectId: number, name: string, classes: string[], ideal: number[] | null): Axis {
      if (new Set(classes).size !== classes.length) throw new AxisError(`axis "${name}" lists a class twice`)
      let normalised: number[] | null = null
      if (ideal !== null) {
        if (ideal.length !== classes.length) throw new AxisError(`axis "${name}": the ideal distribution has ${ideal.length} values for ${classes.length} classes`)
        const sum = ideal.reduce((s, v) => s + v, 0)
        if (!(sum > 0) || ideal.some((v) => !Number.isFinite(v) || v < 0)) throw new AxisError(`axis "${name}": the ideal distribution must be non-negative with a positive sum`)
        normalised = ideal.map((v) => v / sum)
      }
      return toAxis(upsert.get(projectId, name, JSON.stringify(classes), normalised === null ? null : JSON.stringify(normalised))!)
    },
    list(projectId: number): Axis[] {
      return ofProject.all(projectId).map(toAxis)
    },
    get(id: number): Axis | null {
      const row = byId.get(id)
      return row ? toAxis(row) : null
    },
    /** Renames an axis; refuses a name another axis of its project has (without case or surrounding spaces). */
    rename(id: number, name: string): Axis | null {
      const row = byId.get(id)
      if (!row) return null
      if (sameName.get(row.project_id, name, id)) throw new AxisError(`this project already has an axis called "${name.trim()}"`)
      setName.run(name, id)
      return toAxis(byId.get(id)!)
    },
    remove(id: number): boolean {
      return removeRow.run(id).changes === 1
    }
  }
}
export type AxesRepo = ReturnType<typeof axesRepo>
