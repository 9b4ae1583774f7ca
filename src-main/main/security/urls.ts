// URL checks for navigation, IPC senders and links opened in the OS browser. Every check parses the
// URL and compares parsed parts; string prefix tests are how `https://example.com.attacker.com`
// and `app://renderer@evil` get through (docs/methods/security.md §Electron checklist, items 13 and 15).

/** Where the packaged renderer is served from (a privileged standard scheme, see ../protocol.ts). */
export const APP_SCHEME = 'app'
export const APP_HOST = 'renderer'
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`

const MAX_URL_LENGTH = 8192

function parse(raw: unknown): URL | null {
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > MAX_URL_LENGTH) return null
  try {
    return new URL(raw)
  } catch {
    return null
  }
}

/**
 * Scheme + host + port, compared instead of `URL.origin` because WHATWG URL reports the origin of
 * custom schemes such as `app:` as the opaque string "null", which would make every app:// URL equal.
 */
function originKey(url: URL): string {
  return `${url.protocol}//${url.host}`.toLowerCase()
}

/**
 * True when `raw` points at one of the `trusted` origins (default: the packaged renderer).
 * URLs carrying a username or password are refused outright: they exist to mislead.
 */
export function isInternalUrl(raw: unknown, trusted: readonly string[] = [APP_ORIGIN]): boolean {
  const url = parse(raw)
  if (!url || url.username !== '' || url.password !== '') return false
  if (url.host === '') return false
  const key = originKey(url)
  return trusted.some((t) => {
    const tu = parse(t)
    return tu !== null && tu.host !== '' && originKey(tu) === key
  })
}

/**
 * The only URLs handed to `shell.openExternal`: absolute https URLs with a host and no credentials.
 * Returns the normalised URL to open, or null. Never pass the raw string on.
 */
export function vetExternalUrl(raw: unknown): string | null {
  const url = parse(raw)
  if (!url) return null
  if (url.protocol !== 'https:') return null
  if (url.username !== '' || url.password !== '') return null
  if (url.hostname === '' || !/^[a-z0-9.\-[\]:]+$/i.test(url.hostname)) return null
  return url.href
}
