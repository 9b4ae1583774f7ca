// Which project a row belongs to, for the annotator scope check (core/api/project-scope.ts): calls
// and image fetches name pairs, judgements, chains and images by id, and each must be traced to its
// project before an invited annotator may touch it.
import type Database from 'better-sqlite3'

export interface ProjectOf {
  pair(id: number): number | null
  judgement(id: number): number | null
  chain(id: number): number | null
  image(id: number): number | null
}

export function projectOfRepo(db: Database.Database): ProjectOf {
  const one = (sql: string) => {
    const stmt = db.prepare<[number], { project_id: number }>(sql)
    return (id: number): number | null => stmt.get(id)?.project_id ?? null
  }
  return {
    pair: one('SELECT project_id FROM set_pairs WHERE id = ?'),
    judgement: one('SELECT p.project_id FROM judgements j JOIN set_pairs p ON p.id = j.pair_id WHERE j.id = ?'),
    chain: one('SELECT project_id FROM mcmc_chains WHERE id = ?'),
    image: one('SELECT project_id FROM images WHERE id = ?')
  }
}
