// Browser sessions for serve mode. An access token is exchanged once for a random session id (the
// cookie), so the token does not travel with every request or linger in the address bar. Each
// session also carries a CSRF token the page must echo in `x-csrf-token`.
//
// Sessions may be kept in a file of the workspace (mode 0600, like the owner token beside it), so a
// restart does not lock out an annotator whose one-time invite is already spent (issue 10, item 4).
// The file holds only the SHA-256 of each session id: reading it does not give a cookie. It does hold
// the access token each session runs on, because every request re-verifies that token (a revoked
// annotator is out at once, across restarts too).
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import { existsSync } from 'node:fs'
import type { Scope } from '@shared/contract'
import { writeFileAtomicSync } from '../fs/atomic-write'
import { readRegularFileSync } from '../fs/read-regular'

export interface Principal {
  annotatorId: number
  scope: Scope
  /** The projects an annotator was invited to; null or absent: every project (the owner). */
  projects?: readonly number[] | null
}

/** Checks an access token (the store compares digests in constant time); null if unknown or revoked. */
export type VerifyToken = (token: string) => Principal | null | Promise<Principal | null>

export interface ServeSession extends Principal {
  id: string
  csrfToken: string
  /** Kept so every request can re-verify it: revoking a token ends its sessions at once. */
  token: string
  lastSeen: number
}

export function randomSecret(): string {
  return randomBytes(32).toString('base64url')
}

/** Constant-time string comparison (lengths are not secret: all our secrets have a fixed length). */
export function secretsEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a, 'utf8')
  const bb = Buffer.from(b, 'utf8')
  return ab.length === bb.length && timingSafeEqual(ab, bb)
}

/** The file a store keeps its sessions in, and where to report a file it could not read. */
export interface SessionFile {
  path: string
  log?: (line: string) => void
}

interface SavedSession {
  key: string
  csrfToken: string
  token: string
  annotatorId: number
  scope: Scope
  projects: number[] | null
  lastSeen: number
}

/** Largest sessions file read back (10,000 sessions take about 3 MB). */
const MAX_SESSIONS_FILE_BYTES = 16 * 1024 * 1024
/** lastSeen is written back at most this often; losing a few minutes of it only shortens an idle timeout. */
const LAST_SEEN_FLUSH_MS = 5 * 60 * 1000

function keyOf(id: string): string {
  return createHash('sha256').update(id, 'utf8').digest('hex')
}

export class SessionStore {
  /** Keyed by the SHA-256 of the session id, so the saved file never holds a usable cookie. */
  readonly #sessions = new Map<string, ServeSession>()
  readonly #file: SessionFile | null
  #lastFlush = 0

  constructor(
    private readonly idleMs = 12 * 60 * 60 * 1000,
    private readonly maxSessions = 10_000,
    private readonly now: () => number = Date.now,
    file: SessionFile | null = null
  ) {
    this.#file = file
    if (file) this.#load(file)
  }

  create(token: string, who: Principal): ServeSession {
    this.#evictIdle()
    if (this.#sessions.size >= this.maxSessions) {
      // Maps iterate in insertion order: drop the oldest session rather than grow without bound.
      const oldest = this.#sessions.keys().next().value
      if (oldest !== undefined) this.#sessions.delete(oldest)
    }
    const session: ServeSession = { id: randomSecret(), csrfToken: randomSecret(), token, annotatorId: who.annotatorId, scope: who.scope, projects: who.projects ?? null, lastSeen: this.now() }
    this.#sessions.set(keyOf(session.id), session)
    this.save()
    return session
  }

  /** The live session for a cookie value, or null (unknown or idle too long). */
  get(id: string | null): ServeSession | null {
    if (!id || id.length > 100) return null
    const key = keyOf(id)
    const session = this.#sessions.get(key)
    if (!session) return null
    if (this.now() - session.lastSeen > this.idleMs) {
      this.#sessions.delete(key)
      this.save()
      return null
    }
    // A session read back from the file knows only its key; the cookie that found it is its id.
    session.id = id
    session.lastSeen = this.now()
    if (this.now() - this.#lastFlush > LAST_SEEN_FLUSH_MS) this.save()
    return session
  }

  delete(id: string): void {
    if (this.#sessions.delete(keyOf(id))) this.save()
  }

  has(id: string): boolean {
    return this.#sessions.has(keyOf(id))
  }

  all(): ServeSession[] {
    return [...this.#sessions.values()]
  }

  get size(): number {
    return this.#sessions.size
  }

  /** Writes the sessions to the file (when there is one); a failed write is logged, never thrown at a request. */
  save(): void {
    const file = this.#file
    if (!file) return
    this.#lastFlush = this.now()
    const saved: SavedSession[] = [...this.#sessions].map(([key, s]) => ({
      key,
      csrfToken: s.csrfToken,
      token: s.token,
      annotatorId: s.annotatorId,
      scope: s.scope,
      projects: s.projects ? [...s.projects] : null,
      lastSeen: s.lastSeen
    }))
    try {
      writeFileAtomicSync(file.path, Buffer.from(JSON.stringify({ version: 1, sessions: saved })), { mode: 0o600 })
    } catch (err) {
      file.log?.(`serve: could not save sessions to ${file.path}: ${err instanceof Error ? err.message : String(err)}`)
    }
  }

  #load(file: SessionFile): void {
    if (!existsSync(file.path)) return
    let parsed: unknown
    try {
      parsed = JSON.parse(readRegularFileSync(file.path, MAX_SESSIONS_FILE_BYTES).toString('utf8'))
    } catch (err) {
      // Everyone signs in again: worse than keeping them, far better than not starting.
      file.log?.(`serve: ignored the saved sessions in ${file.path}: ${err instanceof Error ? err.message : String(err)}`)
      return
    }
    const list = (parsed as { sessions?: unknown } | null)?.sessions
    if (!Array.isArray(list)) return
    const t = this.now()
    for (const raw of list.slice(-this.maxSessions)) {
      const s = savedSession(raw)
      if (!s || t - s.lastSeen > this.idleMs) continue
      // Until its cookie comes back the session has no id; a random one keeps it unguessable meanwhile.
      this.#sessions.set(s.key, { id: randomSecret(), csrfToken: s.csrfToken, token: s.token, annotatorId: s.annotatorId, scope: s.scope, projects: s.projects, lastSeen: s.lastSeen })
    }
  }

  #evictIdle(): void {
    const t = this.now()
    for (const [key, s] of this.#sessions) if (t - s.lastSeen > this.idleMs) this.#sessions.delete(key)
  }
}

/** One entry of the sessions file, checked field by field; null for anything malformed. */
function savedSession(raw: unknown): SavedSession | null {
  if (!raw || typeof raw !== 'object') return null
  const r = raw as Record<string, unknown>
  const str = (v: unknown, max: number): v is string => typeof v === 'string' && v.length > 0 && v.length <= max
  if (!str(r.key, 64) || !/^[0-9a-f]{64}$/.test(r.key) || !str(r.csrfToken, 100) || !str(r.token, 512)) return null
  if (!Number.isSafeInteger(r.annotatorId) || (r.scope !== 'owner' && r.scope !== 'annotate') || typeof r.lastSeen !== 'number' || !Number.isFinite(r.lastSeen)) return null
  const projects = r.projects === null ? null : Array.isArray(r.projects) && r.projects.every((p) => Number.isSafeInteger(p)) ? (r.projects as number[]) : undefined
  if (projects === undefined) return null
  return { key: r.key, csrfToken: r.csrfToken, token: r.token, annotatorId: r.annotatorId as number, scope: r.scope, projects, lastSeen: r.lastSeen }
}

/** A token bucket per key: `burst` calls at once, refilled at `perSecond`. */
export class RateLimiter {
  readonly #buckets = new Map<string, { tokens: number; at: number }>()

  constructor(
    private readonly burst: number,
    private readonly perSecond: number,
    private readonly now: () => number = Date.now
  ) {}

  /** Takes one token for `key`; false when the caller must back off. */
  take(key: string): boolean {
    const t = this.now()
    const b = this.#buckets.get(key) ?? { tokens: this.burst, at: t }
    b.tokens = Math.min(this.burst, b.tokens + ((t - b.at) / 1000) * this.perSecond)
    b.at = t
    this.#buckets.set(key, b)
    if (b.tokens < 1) return false
    b.tokens -= 1
    return true
  }

  forget(key: string): void {
    this.#buckets.delete(key)
  }
}
