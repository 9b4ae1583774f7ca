// Per-webContents hardening (docs/methods/security.md §Electron checklist, items 11-15): every navigation, redirect, new window and
// <webview> is refused unless it stays on our own origin; vetted https links go to the OS browser,
// and only right after a click or key press in the window (security/user-gesture.ts).
import type { WebContents } from 'electron'
import { APP_ORIGIN, isInternalUrl } from './security/urls'
import { decideExternalOpen, GestureClock } from './security/user-gesture'

/** The slice of WebContents we use, so tests can pass a small fake (the Electron boundary). */
export type HardenableContents = Pick<WebContents, 'on' | 'setWindowOpenHandler' | 'closeDevTools'>

export interface HardenOptions {
  trusted?: readonly string[]
  /** shell.openExternal; receives only URLs that passed vetExternalUrl, right after a user gesture. */
  openExternal: (url: string) => void
  log?: (line: string) => void
  /** Clock source for the gesture window (tests). */
  now?: () => number
  /** False in packaged builds: DevTools opened any other way than the (absent) menu item are closed again. */
  allowDevTools?: boolean
}

export function hardenWebContents(contents: HardenableContents, opts: HardenOptions): void {
  const trusted = opts.trusted ?? [APP_ORIGIN]
  const log = opts.log ?? (() => {})
  // The window's own inputs, seen by the main process before the page gets them.
  const gestures = new GestureClock(opts.now)
  contents.on('before-input-event', (_event, input) => gestures.record(input))
  contents.on('before-mouse-event', (_event, mouse) => gestures.record(mouse))
  const handOff = (url: string): void => {
    const decision = decideExternalOpen(url, gestures)
    if ('open' in decision) opts.openExternal(decision.open)
    else log(`refused to open ${url.slice(0, 200)}: ${decision.refuse}`)
  }

  contents.on('will-navigate', (event, url) => {
    if (isInternalUrl(url, trusted)) return
    event.preventDefault()
    handOff(url)
  })
  contents.on('will-frame-navigate', (event) => {
    if (isInternalUrl(event.url, trusted)) return
    event.preventDefault()
  })
  contents.on('will-redirect', (event, url) => {
    if (isInternalUrl(url, trusted)) return
    event.preventDefault()
    log(`refused redirect to ${url.slice(0, 200)}`)
  })
  contents.setWindowOpenHandler(({ url }) => {
    handOff(url)
    return { action: 'deny' }
  })
  if (opts.allowDevTools === false) {
    contents.on('devtools-opened', () => {
      log('closed DevTools: not available in the packaged app')
      contents.closeDevTools()
    })
  }
  contents.on('will-attach-webview', (event, webPreferences) => {
    // Never used by the studio; strip what a webview could be given, then refuse it anyway.
    delete webPreferences.preload
    webPreferences.nodeIntegration = false
    webPreferences.contextIsolation = true
    event.preventDefault()
  })
}
