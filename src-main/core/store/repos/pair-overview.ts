// The pairs of a project as a person reads them (issue 10, "meaning, not ids"): the prompt's text,
// both sets by their number or name with their images, and who decided what on each criterion.
import type Database from 'better-sqlite3'
import type { PairOverview } from '@shared/contract'

interface Row {
  id: number
  prompt_text: string
  a_id: number
  a_label: string
  a_members: string | null
  b_id: number
  b_label: string
  b_members: string | null
  decisions: string
}

const members = (col: string) => `(SELECT group_concat(image_id) FROM (SELECT image_id FROM set_members m WHERE m.set_id = ${col} ORDER BY position))`
const SQL = `SELECT p.id, pr.text AS prompt_text,
    a.id AS a_id, coalesce(a.name, 'Set ' || a.number) AS a_label, ${members('a.id')} AS a_members,
    b.id AS b_id, coalesce(b.name, 'Set ' || b.number) AS b_label, ${members('b.id')} AS b_members,
    (SELECT json_group_array(json_object('annotator', n.name, 'kind', n.kind, 'criterion', j.criterion, 'choice', j.choice))
       FROM judgements j JOIN annotators n ON n.id = j.annotator_id WHERE j.pair_id = p.id AND j.undone_at IS NULL) AS decisions
  FROM set_pairs p JOIN prompts pr ON pr.id = p.prompt_id JOIN image_sets a ON a.id = p.set_a JOIN image_sets b ON b.id = p.set_b
  WHERE p.project_id = @projectId AND (@pairIds IS NULL OR p.id IN (SELECT value FROM json_each(@pairIds))) ORDER BY p.id LIMIT @limit OFFSET @offset`

const ids = (s: string | null): number[] => (s ? s.split(',').map(Number) : [])

export function pairOverviewRepo(db: Database.Database) {
  const page = db.prepare<{ projectId: number; pairIds: string | null; limit: number; offset: number }, Row>(SQL)
  return {
    list(projectId: number, offset: number, limit: number, pairIds?: readonly number[]): PairOverview[] {
      return page.all({ projectId, pairIds: pairIds ? JSON.stringify(pairIds) : null, limit, offset }).map((r) => ({
        id: r.id,
        promptText: r.prompt_text,
        setA: { id: r.a_id, label: r.a_label, imageIds: ids(r.a_members) },
        setB: { id: r.b_id, label: r.b_label, imageIds: ids(r.b_members) },
        decisions: JSON.parse(r.decisions) as PairOverview['decisions']
      }))
    }
  }
}
