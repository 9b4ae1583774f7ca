// Opens the studio's address in the user's browser when `npm start` falls back to serve mode
// (scripts/start.mjs sets POPALIGN_OPEN_BROWSER=1; `node out/main/serve.js` and tests do not), where
// one can be opened: a desktop session on Linux (DISPLAY or WAYLAND_DISPLAY set), macOS, Windows.
// Never fails the start: on a server, over SSH or in CI there is nothing to open and the printed line
// is the way in.
import { spawn } from 'node:child_process'

export interface Opener {
  command: string
  args: string[]
}

/** The command that opens a URL on this platform and session, or null when there is no browser to open. */
export function browserOpener(platform: NodeJS.Platform, env: Readonly<Record<string, string | undefined>>): Opener | null {
  if (env.POPALIGN_OPEN_BROWSER !== '1' || env.CI) return null
  if (platform === 'darwin') return { command: 'open', args: [] }
  // `start` is a cmd built-in; its first quoted argument is a window title, hence the empty one.
  if (platform === 'win32') return { command: 'cmd', args: ['/c', 'start', '""'] }
  if (env.DISPLAY || env.WAYLAND_DISPLAY) return { command: 'xdg-open', args: [] }
  return null
}

/** Starts the opener and forgets it; returns whether one was started. A missing xdg-open is not an error. */
export function openInBrowser(url: string, platform: NodeJS.Platform, env: Readonly<Record<string, string | undefined>>): boolean {
  const opener = browserOpener(platform, env)
  if (!opener) return false
  try {
    const child = spawn(opener.command, [...opener.args, url], { detached: true, stdio: 'ignore', env: { ...env } })
    child.on('error', () => {})
    child.unref()
    return true
  } catch {
    return false
  }
}
