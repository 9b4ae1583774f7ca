// Changing a recorded choice after the fact. The judgement row gets the new choice and an edit row
// keeps the old one, who changed it and when, in the same transaction: the audit trail is complete.
import type Database from 'better-sqlite3'
import type { Choice, Criterion } from '@shared/contract'

export interface JudgementEditRecord {
  judgementId: number
  oldChoice: Choice
  newChoice: Choice
  editedBy: number
  createdAt: string
}

interface EditRow {
  judgement_id: number
  old_choice: Choice
  new_choice: Choice
  edited_by: number
  created_at: string
}

const toEdit = (r: EditRow): JudgementEditRecord => ({ judgementId: r.judgement_id, oldChoice: r.old_choice, newChoice: r.new_choice, editedBy: r.edited_by, createdAt: r.created_at })

export function judgementEditsRepo(db: Database.Database) {
  const current = db.prepare<[number], { choice: Choice; undone_at: string | null }>('SELECT choice, undone_at FROM judgements WHERE id = ?')
  const setChoice = db.prepare<[string, number]>('UPDATE judgements SET choice = ? WHERE id = ?')
  const insert = db.prepare<[number, string, string, number]>('INSERT INTO judgement_edits (judgement_id, old_choice, new_choice, edited_by) VALUES (?, ?, ?, ?)')
  const ofProject = db.prepare<[number], EditRow>(
    `SELECT e.* FROM judgement_edits e JOIN judgements j ON j.id = e.judgement_id JOIN set_pairs p ON p.id = j.pair_id
     WHERE p.project_id = ? ORDER BY e.id`
  )
  const countFor = db.prepare<[number], number>('SELECT count(*) FROM judgement_edits WHERE judgement_id = ?').pluck()
  // The annotator's newest live decisions of a project and criterion: the window open for editing.
  const recentIds = db
    .prepare<[number, number, string, number], number>(
      `SELECT j.id FROM judgements j JOIN set_pairs p ON p.id = j.pair_id
     WHERE j.annotator_id = ? AND p.project_id = ? AND j.criterion = ? AND j.undone_at IS NULL
     ORDER BY j.id DESC LIMIT ?`
    )
    .pluck()

  const edit = db.transaction((judgementId: number, choice: Choice, editedBy: number): boolean => {
    const row = current.get(judgementId)
    if (!row) throw new Error(`judgement ${judgementId} does not exist`)
    if (row.undone_at !== null) throw new Error(`judgement ${judgementId} was undone and cannot be edited`)
    if (row.choice === choice) return false // nothing changes, nothing to audit (a retry lands here too)
    setChoice.run(choice, judgementId)
    insert.run(judgementId, row.choice, choice, editedBy)
    return true
  })

  return {
    /** Sets a new choice and records the old one; false when the choice was already this one. */
    edit(judgementId: number, choice: Choice, editedBy: number): boolean {
      return edit.immediate(judgementId, choice, editedBy)
    },
    listForProject(projectId: number): JudgementEditRecord[] {
      return ofProject.all(projectId).map(toEdit)
    },
    editCount(judgementId: number): number {
      return countFor.get(judgementId)!
    },
    recentIds(annotatorId: number, projectId: number, criterion: Criterion, limit: number): number[] {
      return recentIds.all(annotatorId, projectId, criterion, limit)
    }
  }
}
export type JudgementEditsRepo = ReturnType<typeof judgementEditsRepo>
