// Session-wide refusals (docs/methods/security.md §Electron checklist, items 1, 5, 18): default-deny permissions, no device
// access, no file:// reads, and no network requests at all from the renderer. The CSP already
// blocks remote loads; this is the second wall, enforced by the main process.
import type { Session } from 'electron'
import { decidePermission } from './security/permissions'

/** The slice of Electron's Session used here, so a test can pass a fake. */
export type LockableSession = Pick<Session, 'setPermissionRequestHandler' | 'setPermissionCheckHandler' | 'setDevicePermissionHandler' | 'webRequest' | 'protocol'>

export const BLOCKED_REQUEST_URLS = ['http://*/*', 'https://*/*', 'ws://*/*', 'wss://*/*', 'ftp://*/*']

export function lockDownSession(ses: LockableSession, log: (line: string) => void = () => {}): void {
  ses.setPermissionRequestHandler((_wc, permission, callback, details) => {
    const granted = decidePermission(permission, details.requestingUrl)
    if (!granted) log(`denied permission "${permission}" for ${String(details.requestingUrl).slice(0, 200)}`)
    callback(granted)
  })
  ses.setPermissionCheckHandler((_wc, permission, requestingOrigin) => decidePermission(permission, requestingOrigin))
  ses.setDevicePermissionHandler(() => false)
  ses.webRequest.onBeforeRequest({ urls: BLOCKED_REQUEST_URLS }, (details, callback) => {
    log(`blocked request to ${details.url.slice(0, 200)}`)
    callback({ cancel: true })
  })
  // The studio never loads file:// (pages come from app://, images from app-img://). As VS Code
  // does, answer every file:// request with a refusal so a page cannot read local files that way.
  ses.protocol.handle('file', () => new Response('file:// is disabled', { status: 403 }))
}
