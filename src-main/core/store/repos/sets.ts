// Image sets (ordered members of one prompt; a neutral prompt's set may also hold images of its
// identity-specific prompts, as PopAlign's winning sets do) and the pairs of sets that annotators compare.
import type Database from 'better-sqlite3'
import type { ImageSet, SetPair } from '@shared/contract'

type Origin = ImageSet['origin']
interface SetRow {
  id: number
  project_id: number
  prompt_id: number
  origin: Origin
  name: string | null
  number: number
  members: string | null
}
interface PairRow {
  id: number
  project_id: number
  prompt_id: number
  set_a: number
  set_b: number
}

export class SetMembershipError extends Error {}

// group_concat in a subquery ordered by position keeps member order without N+1 queries.
const SELECT_SET = `SELECT s.id, s.project_id, s.prompt_id, s.origin, s.name, s.number,
  (SELECT group_concat(image_id) FROM (SELECT image_id FROM set_members m WHERE m.set_id = s.id ORDER BY position)) AS members
  FROM image_sets s`

const toSet = (r: SetRow): ImageSet => ({
  id: r.id,
  projectId: r.project_id,
  promptId: r.prompt_id,
  origin: r.origin,
  name: r.name,
  number: r.number,
  imageIds: r.members ? r.members.split(',').map(Number) : []
})

const toPair = (r: PairRow): SetPair => ({ id: r.id, projectId: r.project_id, promptId: r.prompt_id, setA: r.set_a, setB: r.set_b })

export function setsRepo(db: Database.Database) {
  const insertSet = db.prepare<[number, number, string]>('INSERT INTO image_sets (project_id, prompt_id, origin) VALUES (?, ?, ?)')
  const insertMember = db.prepare<[number, number, number]>('INSERT INTO set_members (set_id, position, image_id) VALUES (?, ?, ?)')
  const imageOwner = db.prepare<[number], { project_id: number; prompt_id: number; neutral_prompt_id: number | null }>(
    'SELECT i.project_id, i.prompt_id, p.neutral_prompt_id FROM images i JOIN prompts p ON p.id = i.prompt_id WHERE i.id = ?'
  )
  const byId = db.prepare<[number], SetRow>(`${SELECT_SET} WHERE s.id = ?`)
  const setName = db.prepare<[string | null, number]>('UPDATE image_sets SET name = ? WHERE id = ?')
  const ofProject = db.prepare<[number], SetRow>(`${SELECT_SET} WHERE s.project_id = ? ORDER BY s.id`)
  const ofPrompt = db.prepare<[number, number], SetRow>(`${SELECT_SET} WHERE s.project_id = ? AND s.prompt_id = ? ORDER BY s.id`)

  const create = db.transaction((projectId: number, promptId: number, origin: Origin, imageIds: readonly number[]): ImageSet => {
    if (imageIds.length === 0) throw new SetMembershipError('a set needs at least one image')
    if (new Set(imageIds).size !== imageIds.length) throw new SetMembershipError('a set cannot hold the same image twice')
    for (const imageId of imageIds) {
      const owner = imageOwner.get(imageId)
      if (!owner || owner.project_id !== projectId) throw new SetMembershipError(`image ${imageId} is not in project ${projectId}`)
      if (owner.prompt_id !== promptId && owner.neutral_prompt_id !== promptId) {
        throw new SetMembershipError(`image ${imageId} belongs to prompt ${owner.prompt_id}, which is neither prompt ${promptId} nor one of its identity-specific prompts`)
      }
    }
    const setId = Number(insertSet.run(projectId, promptId, origin).lastInsertRowid)
    imageIds.forEach((imageId, position) => insertMember.run(setId, position, imageId))
    return toSet(byId.get(setId)!)
  })

  return {
    /** Creates a set in one transaction; every image must belong to the project and to the prompt or its specific prompts. */
    create(projectId: number, promptId: number, origin: Origin, imageIds: readonly number[]): ImageSet {
      return create.immediate(projectId, promptId, origin, imageIds)
    },
    get(id: number): ImageSet | null {
      const row = byId.get(id)
      return row ? toSet(row) : null
    },
    list(projectId: number, promptId?: number): ImageSet[] {
      return (promptId === undefined ? ofProject.all(projectId) : ofPrompt.all(projectId, promptId)).map(toSet)
    },
    /** Names a set (null: back to its number). Returns false when there is no such set. */
    rename(id: number, name: string | null): boolean {
      return setName.run(name, id).changes === 1
    }
  }
}
export type SetsRepo = ReturnType<typeof setsRepo>

export function pairsRepo(db: Database.Database) {
  const byId = db.prepare<[number], PairRow>('SELECT * FROM set_pairs WHERE id = ?')
  const ofProject = db.prepare<[number], PairRow>('SELECT * FROM set_pairs WHERE project_id = ? ORDER BY id')
  const countOf = db.prepare<[number], number>('SELECT count(*) FROM set_pairs WHERE project_id = ?').pluck()
  const setInfo = db.prepare<[number], { project_id: number; prompt_id: number }>('SELECT project_id, prompt_id FROM image_sets WHERE id = ?')
  const insert = db.prepare<[number, number, number, number], PairRow>('INSERT INTO set_pairs (project_id, prompt_id, set_a, set_b) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING *')
  const sizeOf = db.prepare<[number], number>('SELECT count(*) FROM set_members WHERE set_id = ?').pluck()
  // The sets in scope with their sizes. A pair compares two populations of one size: a larger set
  // shows more variety by size alone, so 2 images against 6 is not a fair question.
  const sized = `WITH sized AS (SELECT s.id, s.project_id, s.prompt_id, (SELECT count(*) FROM set_members m WHERE m.set_id = s.id) AS n
    FROM image_sets s WHERE s.project_id = @projectId AND (@promptId IS NULL OR s.prompt_id = @promptId))`
  // Every unordered pair of sets of the same prompt and size that has no pair row yet, lowest ids first.
  const missingSql = `${sized}
    INSERT INTO set_pairs (project_id, prompt_id, set_a, set_b)
    SELECT a.project_id, a.prompt_id, a.id, b.id FROM sized a
    JOIN sized b ON b.prompt_id = a.prompt_id AND b.n = a.n AND b.id > a.id
    WHERE NOT EXISTS (SELECT 1 FROM set_pairs p WHERE min(p.set_a, p.set_b) = a.id AND max(p.set_a, p.set_b) = b.id)
    ORDER BY a.id, b.id`
  // Sets no other set of their prompt matches in size: no pair can ever hold them.
  const unmatched = db
    .prepare<{ projectId: number; promptId: number | null }, number>(
      `${sized} SELECT count(*) FROM sized a WHERE NOT EXISTS (SELECT 1 FROM sized b WHERE b.prompt_id = a.prompt_id AND b.n = a.n AND b.id <> a.id)`
    )
    .pluck()
  const insertMissing = db.prepare<{ projectId: number; promptId: number | null }>(missingSql)
  const createAll = db.transaction((scope: { projectId: number; promptId: number | null }) => ({ created: insertMissing.run(scope).changes, unpaired: unmatched.get(scope)! }))

  return {
    get(id: number): SetPair | null {
      const row = byId.get(id)
      return row ? toPair(row) : null
    },
    list(projectId: number): SetPair[] {
      return ofProject.all(projectId).map(toPair)
    },
    count(projectId: number): number {
      return countOf.get(projectId)!
    },
    /** Pairs two sets of the same prompt and size; returns null when this unordered pair already exists. */
    create(setA: number, setB: number): SetPair | null {
      if (setA === setB) throw new SetMembershipError('a set cannot be paired with itself')
      const a = setInfo.get(setA)
      const b = setInfo.get(setB)
      if (!a || !b) throw new SetMembershipError(`set ${a ? setB : setA} does not exist`)
      if (a.project_id !== b.project_id || a.prompt_id !== b.prompt_id) throw new SetMembershipError('only sets of the same prompt can be paired')
      const [sizeA, sizeB] = [sizeOf.get(setA)!, sizeOf.get(setB)!]
      if (sizeA !== sizeB) throw new SetMembershipError(`these two sets hold ${sizeA} and ${sizeB} images; a pair compares two sets of the same size`)
      const row = insert.get(a.project_id, a.prompt_id, setA, setB)
      return row ? toPair(row) : null
    },
    /**
     * Pairs every two sets of the same prompt and size not yet paired. Returns how many pairs were made
     * and how many sets in scope stay unpaired because no other set of their prompt has their size.
     */
    createAllMissing(projectId: number, promptId?: number): { created: number; unpaired: number } {
      return createAll.immediate({ projectId, promptId: promptId ?? null })
    }
  }
}
export type PairsRepo = ReturnType<typeof pairsRepo>
