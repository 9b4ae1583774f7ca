// The renderer's Content-Security-Policy, shared by the desktop `app://` protocol and serve mode, and
// a small parser so tests can check the policy that actually ships in out/renderer/index.html.
// No 'unsafe-eval' ever: it would let any injected string become code (docs/methods/security.md §Electron checklist, item 7).

export const RENDERER_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' app-img: blob: data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'none'"
].join('; ')

export type CspDirectives = ReadonlyMap<string, readonly string[]>

/** Parses a policy into directive -> sources. Directive names are case-insensitive; the first wins (as browsers do). */
export function parseCsp(policy: string): CspDirectives {
  const directives = new Map<string, string[]>()
  for (const part of policy.split(';')) {
    const tokens = part.trim().split(/\s+/).filter(Boolean)
    if (tokens.length === 0) continue
    const name = tokens[0].toLowerCase()
    if (!directives.has(name)) directives.set(name, tokens.slice(1))
  }
  return directives
}

/** The problems with a policy, empty when it is as strict as the studio requires. */
export function cspProblems(policy: string): string[] {
  const d = parseCsp(policy)
  const problems: string[] = []
  const all = [...d.values()].flat()
  if (all.some((s) => s.toLowerCase() === "'unsafe-eval'")) problems.push("'unsafe-eval' is allowed")
  if (all.some((s) => s.toLowerCase() === "'wasm-unsafe-eval'")) problems.push("'wasm-unsafe-eval' is allowed")
  if (!sameSources(d.get('default-src'), ["'none'"])) problems.push("default-src must be 'none'")
  if (!sameSources(d.get('script-src'), ["'self'"])) problems.push("script-src must be exactly 'self'")
  if (!sameSources(d.get('object-src'), ["'none'"])) problems.push("object-src must be 'none'")
  if (!sameSources(d.get('base-uri'), ["'none'"])) problems.push("base-uri must be 'none'")
  for (const [name, sources] of d) {
    if (sources.some((s) => s === '*' || /^(https?|wss?):?$/i.test(s) || /^https?:\/\//i.test(s))) {
      problems.push(`${name} allows remote content`)
    }
  }
  return problems
}

function sameSources(actual: readonly string[] | undefined, expected: readonly string[]): boolean {
  return actual !== undefined && actual.length === expected.length && actual.every((s, i) => s.toLowerCase() === expected[i])
}

/** Headers every renderer page and file carries, on both transports. */
export function pageSecurityHeaders(): Record<string, string> {
  return {
    'Content-Security-Policy': RENDERER_CSP,
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin'
  }
}
