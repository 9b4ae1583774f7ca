// One-time invite codes for annotators (serve mode). Only SHA-256 digests are stored; a code is
// redeemed at most once, inside the transaction that marks it, and only before it expires or is
// revoked. The clock is injected so expiry can be tested.
import { createHash, randomBytes } from 'node:crypto'
import type Database from 'better-sqlite3'

const CODE_SHAPE = /^[A-Za-z0-9_-]{43}$/

function digestHex(code: string): string {
  return createHash('sha256').update(code, 'utf8').digest('hex')
}

interface InviteRow {
  id: number
  annotator_id: number
  expires_at: string
  redeemed_at: string | null
  revoked_at: string | null
}

export type RedeemFailure = 'unknown' | 'redeemed' | 'revoked' | 'expired'
export type InviteStatus = 'open' | 'redeemed' | 'expired' | 'revoked'

/** An invite as the owner sees it (never its code: only the digest is stored). */
export interface InviteRecord {
  id: number
  annotatorId: number
  status: InviteStatus
  createdAt: string
  expiresAt: string
  redeemedAt: string | null
  revokedAt: string | null
}

interface ListedRow extends InviteRow {
  created_at: string
}

/** Revoked and redeemed are final; an unspent invite past its expiry is expired. */
function statusOf(r: InviteRow, nowIso: string): InviteStatus {
  if (r.revoked_at !== null) return 'revoked'
  if (r.redeemed_at !== null) return 'redeemed'
  return r.expires_at <= nowIso ? 'expired' : 'open'
}

export function invitesRepo(db: Database.Database, now: () => Date = () => new Date()) {
  const insert = db.prepare<[number, string, string, string]>('INSERT INTO invites (annotator_id, code_sha256, created_at, expires_at) VALUES (?, ?, ?, ?)')
  const byDigest = db.prepare<[string], InviteRow>('SELECT id, annotator_id, expires_at, redeemed_at, revoked_at FROM invites WHERE code_sha256 = ?')
  // The WHERE clause is the one-time guarantee: a second redemption changes no row.
  const markRedeemed = db.prepare<[string, number]>('UPDATE invites SET redeemed_at = ? WHERE id = ? AND redeemed_at IS NULL AND revoked_at IS NULL')
  const revokeOpen = db.prepare<[string, number]>('UPDATE invites SET revoked_at = ? WHERE annotator_id = ? AND redeemed_at IS NULL AND revoked_at IS NULL')
  const revokeOne = db.prepare<[string, number]>('UPDATE invites SET revoked_at = ? WHERE id = ? AND redeemed_at IS NULL AND revoked_at IS NULL')
  const addProject = db.prepare<[number, number]>('INSERT OR IGNORE INTO invite_projects (invite_id, project_id) VALUES (?, ?)')
  const projectsOf = db.prepare<[number], { project_id: number }>('SELECT project_id FROM invite_projects WHERE invite_id = ? ORDER BY project_id')
  const cols = 'id, annotator_id, created_at, expires_at, redeemed_at, revoked_at'
  const byId = db.prepare<[number], ListedRow>(`SELECT ${cols} FROM invites WHERE id = ?`)
  const all = db.prepare<[], ListedRow>(`SELECT ${cols} FROM invites ORDER BY id DESC`)
  const toRecord = (r: ListedRow): InviteRecord => ({
    id: r.id,
    annotatorId: r.annotator_id,
    status: statusOf(r, now().toISOString()),
    createdAt: r.created_at,
    expiresAt: r.expires_at,
    redeemedAt: r.redeemed_at,
    revokedAt: r.revoked_at
  })

  return {
    /** A fresh 256-bit code for the annotator, granting `projectIds` only; returns the plaintext (never stored) and its expiry. */
    create(annotatorId: number, ttlMs: number, projectIds: readonly number[]): { id: number; code: string; expiresAt: string } {
      if (!(ttlMs > 0)) throw new Error(`an invite needs a positive lifetime, got ${ttlMs} ms`)
      const code = randomBytes(32).toString('base64url')
      const created = now()
      const expiresAt = new Date(created.getTime() + ttlMs).toISOString()
      const { lastInsertRowid } = insert.run(annotatorId, digestHex(code), created.toISOString(), expiresAt)
      const id = Number(lastInsertRowid)
      for (const projectId of projectIds) addProject.run(id, projectId)
      return { id, code, expiresAt }
    },
    /**
     * Marks the code redeemed and returns its annotator, or why it cannot be redeemed. Must run
     * inside the caller's transaction together with whatever the redemption grants.
     */
    redeem(code: string): { annotatorId: number; projectIds: number[] } | { failure: RedeemFailure } {
      if (typeof code !== 'string' || !CODE_SHAPE.test(code)) return { failure: 'unknown' }
      const row = byDigest.get(digestHex(code))
      if (!row) return { failure: 'unknown' }
      if (row.revoked_at !== null) return { failure: 'revoked' }
      if (row.redeemed_at !== null) return { failure: 'redeemed' }
      const at = now().toISOString()
      if (row.expires_at <= at) return { failure: 'expired' }
      if (markRedeemed.run(at, row.id).changes !== 1) return { failure: 'redeemed' }
      return { annotatorId: row.annotator_id, projectIds: projectsOf.all(row.id).map((r) => r.project_id) }
    },
    get(id: number): InviteRecord | null {
      const row = byId.get(id)
      return row ? toRecord(row) : null
    },
    /** Every invite, newest first, with its status as of now. */
    list(): InviteRecord[] {
      return all.all().map(toRecord)
    },
    /** Revokes one unredeemed, unrevoked invite; false when it was already spent or revoked. */
    revoke(id: number): boolean {
      return revokeOne.run(now().toISOString(), id).changes === 1
    },
    /** Revokes every unredeemed invite of the annotator; returns how many. */
    revokeOpenFor(annotatorId: number): number {
      return revokeOpen.run(now().toISOString(), annotatorId).changes
    }
  }
}
export type InvitesRepo = ReturnType<typeof invitesRepo>
