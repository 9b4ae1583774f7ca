// Request checks for serve mode, as pure functions (docs/methods/security.md §Serve mode, rules 1, 3, 4).
// Host allowlist stops DNS rebinding; the Origin allowlist stops cross-site POSTs and WebSocket
// hijacking. Both compare whole parsed values, never prefixes.

const LOOPBACK_V4 = '127.0.0.1'

export function isLoopbackHost(host: string): boolean {
  return host === LOOPBACK_V4 || host === 'localhost' || host === '::1'
}

export function isWildcardHost(host: string): boolean {
  return host === '0.0.0.0' || host === '::'
}

/** `host:port` the way it appears in a Host header (IPv6 literals bracketed), lower case. */
export function hostPort(host: string, port: number): string {
  const h = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host
  return `${h}:${port}`.toLowerCase()
}

/**
 * Parses the configured public origin (e.g. `https://studio.example.org` behind a TLS proxy).
 * Throws a clear error for anything that is not a bare http(s) origin.
 */
export function parsePublicOrigin(raw: string): URL {
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    throw new Error(`public origin "${raw}" is not a URL (expected e.g. https://studio.example.org)`)
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`public origin "${raw}" must use http or https`)
  if (url.username || url.password) throw new Error(`public origin "${raw}" must not contain credentials`)
  if ((url.pathname !== '/' && url.pathname !== '') || url.search || url.hash) throw new Error(`public origin "${raw}" must not have a path, query or fragment`)
  return url
}

export interface AllowedNames {
  /** Acceptable Host header values, lower case, always with port. */
  hosts: ReadonlySet<string>
  /** Acceptable Origin header values, e.g. `http://127.0.0.1:5173`. */
  origins: ReadonlySet<string>
}

/**
 * The names a browser may legitimately use to reach us: loopback on our port, the bound address
 * (or every local interface address when bound to a wildcard), and the configured public origin.
 */
export function allowedNames(opts: { port: number; bindHost: string; publicOrigin?: string; interfaceAddresses?: readonly string[] }): AllowedNames {
  const hosts = new Set<string>([hostPort(LOOPBACK_V4, opts.port), hostPort('localhost', opts.port)])
  if (!isWildcardHost(opts.bindHost)) hosts.add(hostPort(opts.bindHost, opts.port))
  else for (const addr of opts.interfaceAddresses ?? []) hosts.add(hostPort(addr, opts.port))
  const origins = new Set<string>([...hosts].map((h) => `http://${h}`))
  if (opts.publicOrigin) {
    const pub = parsePublicOrigin(opts.publicOrigin)
    // URL drops a default port (443/80); the browser's Host header drops it too.
    hosts.add(pub.host.toLowerCase())
    origins.add(pub.origin.toLowerCase())
  }
  return { hosts, origins }
}

export function isAllowedHost(hostHeader: string | undefined, allowed: AllowedNames): boolean {
  if (typeof hostHeader !== 'string' || hostHeader.length === 0 || hostHeader.length > 300) return false
  return allowed.hosts.has(hostHeader.toLowerCase())
}

/** Origin must be present and exactly one of ours ("null", opaque and foreign origins fail). */
export function isAllowedOrigin(originHeader: string | undefined, allowed: AllowedNames): boolean {
  if (typeof originHeader !== 'string' || originHeader.length === 0 || originHeader.length > 300) return false
  return allowed.origins.has(originHeader.toLowerCase())
}

/** Reads one cookie by exact name from a Cookie header; null if absent or repeated. */
export function readCookie(header: string | undefined, name: string): string | null {
  if (!header) return null
  let found: string | null = null
  for (const part of header.split(';')) {
    const eq = part.indexOf('=')
    if (eq < 0) continue
    if (part.slice(0, eq).trim() !== name) continue
    // Two cookies of the same name (e.g. one planted for a parent path) are ambiguous: trust neither.
    if (found !== null) return null
    found = part.slice(eq + 1).trim()
  }
  return found
}

/** The token from `Authorization: Bearer <token>`, or null. */
export function bearerToken(header: string | undefined): string | null {
  if (!header) return null
  const m = /^Bearer ([A-Za-z0-9._~+/=-]{1,512})$/.exec(header.trim())
  return m ? m[1] : null
}
