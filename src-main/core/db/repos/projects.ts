// Projects: the top-level container for prompts, images, sets and labels.
import type Database from 'better-sqlite3'
import type { Project } from '@shared/contract'

interface ProjectRow {
  id: number
  name: string
  description: string
  created_at: string
}

const toProject = (r: ProjectRow): Project => ({ id: r.id, name: r.name, description: r.description, createdAt: r.created_at })

export function projectsRepo(db: Database.Database) {
  const insert = db.prepare<[string, string], ProjectRow>('INSERT INTO projects (name, description) VALUES (?, ?) RETURNING *')
  const byId = db.prepare<[number], ProjectRow>('SELECT * FROM projects WHERE id = ?')
  const all = db.prepare<[], ProjectRow>('SELECT * FROM projects ORDER BY id')
  return {
    create(name: string, description = ''): Project {
      return toProject(insert.get(name, description)!)
    },
    get(id: number): Project | null {
      const row = byId.get(id)
      return row ? toProject(row) : null
    },
    list(): Project[] {
      return all.all().map(toProject)
    }
  }
}
export type ProjectsRepo = ReturnType<typeof projectsRepo>
