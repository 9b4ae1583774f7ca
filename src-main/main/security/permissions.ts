// Permission policy (docs/methods/security.md §Electron checklist, item 5): default deny. The studio needs no camera, microphone,
// location, notifications or device access; writing to the clipboard (copy an id or a report
// snippet) is the one thing allowed, and only for our own pages.
import { APP_ORIGIN, isInternalUrl } from './urls'

export const ALLOWED_PERMISSIONS: ReadonlySet<string> = new Set(['clipboard-sanitized-write'])

/** Whether a permission request or check from `requestingUrl` is granted. */
export function decidePermission(permission: string, requestingUrl: string | null | undefined, trusted: readonly string[] = [APP_ORIGIN]): boolean {
  if (!ALLOWED_PERMISSIONS.has(permission)) return false
  return isInternalUrl(requestingUrl, trusted)
}
