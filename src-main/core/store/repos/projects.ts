// Projects: the top-level container for prompts, images, sets and labels. A deleted project is
// hidden, not erased: its decisions stay in the workspace for the audit trail (issue 10).
import type Database from 'better-sqlite3'
import type { Project } from '@shared/contract'

interface ProjectRow {
  id: number
  name: string
  description: string
  created_at: string
}

const toProject = (r: ProjectRow): Project => ({ id: r.id, name: r.name, description: r.description, createdAt: r.created_at })

/** A name another live project already has (compared without case or surrounding spaces). */
export class DuplicateProjectName extends Error {
  constructor(name: string) {
    super(`a project called "${name}" already exists; choose another name`)
  }
}

export function projectsRepo(db: Database.Database) {
  const insert = db.prepare<[string, string], ProjectRow>('INSERT INTO projects (name, description) VALUES (?, ?) RETURNING *')
  const byId = db.prepare<[number], ProjectRow>('SELECT * FROM projects WHERE id = ? AND deleted_at IS NULL')
  const all = db.prepare<[], ProjectRow>('SELECT * FROM projects WHERE deleted_at IS NULL ORDER BY id')
  const sameName = db.prepare<[string, number], { id: number }>('SELECT id FROM projects WHERE deleted_at IS NULL AND lower(trim(name)) = lower(trim(?)) AND id <> ?')
  const setName = db.prepare<[string, number]>('UPDATE projects SET name = ? WHERE id = ? AND deleted_at IS NULL')
  const markDeleted = db.prepare<[number]>("UPDATE projects SET deleted_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE id = ? AND deleted_at IS NULL")
  const refuseDuplicate = (name: string, exceptId: number): void => {
    if (sameName.get(name, exceptId)) throw new DuplicateProjectName(name.trim())
  }
  const create = db.transaction((name: string, description: string): Project => {
    refuseDuplicate(name, 0)
    return toProject(insert.get(name, description)!)
  })
  return {
    /** Refuses a name another live project has (DuplicateProjectName). */
    create(name: string, description = ''): Project {
      return create.immediate(name, description)
    },
    get(id: number): Project | null {
      const row = byId.get(id)
      return row ? toProject(row) : null
    },
    list(): Project[] {
      return all.all().map(toProject)
    },
    /** Renames a live project; refuses a name another live project has. Returns false when there is no such project. */
    rename(id: number, name: string): boolean {
      refuseDuplicate(name, id)
      return setName.run(name, id).changes === 1
    },
    /** Hides the project from every list and call; its rows stay. Returns false when there is no such live project. */
    markDeleted(id: number): boolean {
      return markDeleted.run(id).changes === 1
    }
  }
}
export type ProjectsRepo = ReturnType<typeof projectsRepo>
