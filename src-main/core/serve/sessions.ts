// Browser sessions for serve mode. An access token is exchanged once for a random session id kept
// only in memory (the cookie), so the token does not travel with every request or linger in the
// address bar. Each session also carries a CSRF token the page must echo in `x-csrf-token`.
import { randomBytes, timingSafeEqual } from 'node:crypto'
import type { Scope } from '@shared/contract'

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

export class SessionStore {
  readonly #sessions = new Map<string, ServeSession>()

  constructor(
    private readonly idleMs = 12 * 60 * 60 * 1000,
    private readonly maxSessions = 10_000,
    private readonly now: () => number = Date.now
  ) {}

  create(token: string, who: Principal): ServeSession {
    this.#evictIdle()
    if (this.#sessions.size >= this.maxSessions) {
      // Maps iterate in insertion order: drop the oldest session rather than grow without bound.
      const oldest = this.#sessions.keys().next().value
      if (oldest !== undefined) this.#sessions.delete(oldest)
    }
    const session: ServeSession = { id: randomSecret(), csrfToken: randomSecret(), token, annotatorId: who.annotatorId, scope: who.scope, projects: who.projects ?? null, lastSeen: this.now() }
    this.#sessions.set(session.id, session)
    return session
  }

  /** The live session for a cookie value, or null (unknown or idle too long). */
  get(id: string | null): ServeSession | null {
    if (!id || id.length > 100) return null
    const session = this.#sessions.get(id)
    if (!session) return null
    if (this.now() - session.lastSeen > this.idleMs) {
      this.#sessions.delete(id)
      return null
    }
    session.lastSeen = this.now()
    return session
  }

  delete(id: string): void {
    this.#sessions.delete(id)
  }

  has(id: string): boolean {
    return this.#sessions.has(id)
  }

  all(): ServeSession[] {
    return [...this.#sessions.values()]
  }

  get size(): number {
    return this.#sessions.size
  }

  #evictIdle(): void {
    const t = this.now()
    for (const [id, s] of this.#sessions) if (t - s.lastSeen > this.idleMs) this.#sessions.delete(id)
  }
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
