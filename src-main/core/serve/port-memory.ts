// The serve-mode port a workspace used last, kept in `<workspace>/serve-port`, so a restart comes back
// at the same address: open tabs reconnect on their own and bookmarked or shared links keep working
// (issue 10, item 4). Only a port the studio chose or the user named is kept; `--port 0` (any free
// port, for scripts and tests) leaves the remembered one alone.
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { writeFileAtomicSync } from '../fs/atomic-write'
import { readRegularFileSync } from '../fs/read-regular'

export const PORT_FILE = 'serve-port'

/** The remembered port, or null when there is none or the file does not hold a port number. */
export function rememberedPort(workspaceDir: string): number | null {
  const file = join(workspaceDir, PORT_FILE)
  if (!existsSync(file)) return null
  let text: string
  try {
    text = readRegularFileSync(file, 64).toString('utf8').trim()
  } catch {
    return null
  }
  if (!/^\d{1,5}$/.test(text)) return null
  const port = Number(text)
  return port >= 1 && port <= 65535 ? port : null
}

export function rememberPort(workspaceDir: string, port: number): void {
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`cannot remember port ${port}: not a port number`)
  if (rememberedPort(workspaceDir) === port) return
  writeFileAtomicSync(join(workspaceDir, PORT_FILE), Buffer.from(`${port}\n`))
}

/** The port to bind: the one asked for, else the remembered one, else 0 (the system picks a free one). */
export function portToBind(asked: number | null, workspaceDir: string): { port: number; remembered: boolean } {
  if (asked !== null) return { port: asked, remembered: false }
  const port = rememberedPort(workspaceDir)
  return port === null ? { port: 0, remembered: false } : { port, remembered: true }
}

/** Whether the port just bound should be remembered for the next start (not after an explicit --port 0). */
export function shouldRemember(asked: number | null): boolean {
  return asked !== 0
}

/** The message for a port that another program (or another studio) holds, in the user's words. */
export function portTakenMessage(port: number, remembered: boolean): string {
  const why = remembered ? ` (this workspace was served there last time, so the studio tried it again)` : ''
  return `Port ${port} is already in use${why}. Stop the program that uses it, or start with --port <another number>, or --port 0 for any free port.`
}
