// Per-webContents hardening (docs/methods/security.md §Electron checklist, items 11-15): every navigation, redirect, new window and
// <webview> is refused unless it stays on our own origin; vetted https links go to the OS browser.
import type { WebContents } from 'electron'
import { APP_ORIGIN, isInternalUrl, vetExternalUrl } from './security/urls'

/** The slice of WebContents we use, so tests can pass a small fake (the Electron boundary). */
export type HardenableContents = Pick<WebContents, 'on' | 'setWindowOpenHandler'>

export interface HardenOptions {
  trusted?: readonly string[]
  /** shell.openExternal; receives only URLs that passed vetExternalUrl. */
  openExternal: (url: string) => void
  log?: (line: string) => void
}

export function hardenWebContents(contents: HardenableContents, opts: HardenOptions): void {
  const trusted = opts.trusted ?? [APP_ORIGIN]
  const log = opts.log ?? (() => {})
  const handOff = (url: string): void => {
    const vetted = vetExternalUrl(url)
    if (vetted) opts.openExternal(vetted)
    else log(`refused to open ${url.slice(0, 200)}`)
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
  contents.on('will-attach-webview', (event, webPreferences) => {
    // Never used by the studio; strip what a webview could be given, then refuse it anyway.
    delete webPreferences.preload
    webPreferences.nodeIntegration = false
    webPreferences.contextIsolation = true
    event.preventDefault()
  })
}
