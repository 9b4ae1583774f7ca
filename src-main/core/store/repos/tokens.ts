// Per-annotator access tokens for serve mode. Only SHA-256 digests are stored; the plaintext is
// shown once at creation. Verification compares digests in constant time.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import type Database from 'better-sqlite3'
import type { Scope } from '@shared/contract'

interface TokenRow {
  id: number
  annotator_id: number
  token_sha256: string
  scope: Scope
}

const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/

function digest(plaintext: string): Buffer {
  return createHash('sha256').update(plaintext, 'utf8').digest()
}

export function tokensRepo(db: Database.Database) {
  const insert = db.prepare<[number, string, string]>('INSERT INTO annotator_tokens (annotator_id, token_sha256, scope) VALUES (?, ?, ?)')
  const live = db.prepare<[string], TokenRow>('SELECT id, annotator_id, token_sha256, scope FROM annotator_tokens WHERE token_sha256 = ? AND revoked_at IS NULL')
  const revokeByHash = db.prepare<[string]>("UPDATE annotator_tokens SET revoked_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE token_sha256 = ? AND revoked_at IS NULL")
  const addProject = db.prepare<[number, number]>('INSERT OR IGNORE INTO token_projects (token_id, project_id) VALUES (?, ?)')
  const projectsOf = db.prepare<[number], { project_id: number }>('SELECT project_id FROM token_projects WHERE token_id = ? ORDER BY project_id')
  const revokeAll = db.prepare<[number]>("UPDATE annotator_tokens SET revoked_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE annotator_id = ? AND revoked_at IS NULL")
  return {
    /**
     * Issues a 256-bit token for the annotator and returns its plaintext (never stored). An annotate
     * token reaches only `projectIds` (issue 11, finding 6); the owner's token reaches every project.
     */
    create(annotatorId: number, scope: Scope, projectIds: readonly number[] = []): string {
      const plaintext = randomBytes(32).toString('base64url')
      const tokenId = Number(insert.run(annotatorId, digest(plaintext).toString('hex'), scope).lastInsertRowid)
      for (const projectId of projectIds) addProject.run(tokenId, projectId)
      return plaintext
    },
    /**
     * The token's annotator, scope and projects (null: every project, the owner), or null for an
     * unknown, malformed or revoked token.
     */
    verify(plaintext: string): { annotatorId: number; scope: Scope; projects: readonly number[] | null } | null {
      if (typeof plaintext !== 'string' || !TOKEN_SHAPE.test(plaintext)) return null
      const presented = digest(plaintext)
      // The lookup narrows by digest (an index probe on a hash leaks nothing useful about the
      // plaintext); the final decision is still a constant-time comparison of the digests.
      const row = live.get(presented.toString('hex'))
      if (!row) return null
      const stored = Buffer.from(row.token_sha256, 'hex')
      if (stored.length !== presented.length || !timingSafeEqual(stored, presented)) return null
      const projects = row.scope === 'owner' ? null : projectsOf.all(row.id).map((r) => r.project_id)
      return { annotatorId: row.annotator_id, scope: row.scope, projects }
    },
    /** Revokes one token; returns whether a live token was revoked. */
    revoke(plaintext: string): boolean {
      return revokeByHash.run(digest(plaintext).toString('hex')).changes > 0
    },
    /** Revokes every live token of an annotator; returns how many. */
    revokeAllFor(annotatorId: number): number {
      return revokeAll.run(annotatorId).changes
    }
  }
}
export type TokensRepo = ReturnType<typeof tokensRepo>
