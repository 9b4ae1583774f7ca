// Prompts: identity-neutral ones, and identity-specific ones linked to their neutral prompt.
import type Database from 'better-sqlite3'
import type { Prompt } from '@shared/contract'

interface PromptRow {
  id: number
  project_id: number
  text: string
  kind: 'neutral' | 'specific'
  neutral_prompt_id: number | null
  image_count: number
}

const toPrompt = (r: PromptRow): Prompt => ({
  id: r.id,
  projectId: r.project_id,
  text: r.text,
  kind: r.kind,
  neutralPromptId: r.neutral_prompt_id,
  imageCount: r.image_count
})

const SELECT = `SELECT p.id, p.project_id, p.text, p.kind, p.neutral_prompt_id,
  (SELECT count(*) FROM images i WHERE i.prompt_id = p.id) AS image_count FROM prompts p`

export interface NewPrompt {
  projectId: number
  text: string
  kind?: 'neutral' | 'specific'
  neutralPromptId?: number | null
}

export function promptsRepo(db: Database.Database) {
  const insert = db.prepare<[number, string, string, number | null]>('INSERT INTO prompts (project_id, text, kind, neutral_prompt_id) VALUES (?, ?, ?, ?) ON CONFLICT (project_id, text) DO NOTHING')
  const byText = db.prepare<[number, string], PromptRow>(`${SELECT} WHERE p.project_id = ? AND p.text = ?`)
  const byId = db.prepare<[number], PromptRow>(`${SELECT} WHERE p.id = ?`)
  const ofProject = db.prepare<[number], PromptRow>(`${SELECT} WHERE p.project_id = ? ORDER BY p.id`)
  return {
    /** Returns the prompt with this exact text in the project, creating it if new (imports call this per file). */
    ensure(p: NewPrompt): Prompt {
      const kind = p.kind ?? 'neutral'
      insert.run(p.projectId, p.text, kind, kind === 'specific' ? (p.neutralPromptId ?? null) : null)
      return toPrompt(byText.get(p.projectId, p.text)!)
    },
    get(id: number): Prompt | null {
      const row = byId.get(id)
      return row ? toPrompt(row) : null
    },
    list(projectId: number): Prompt[] {
      return ofProject.all(projectId).map(toPrompt)
    }
  }
}
export type PromptsRepo = ReturnType<typeof promptsRepo>
