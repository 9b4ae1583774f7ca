// A marker file that exists while a workspace is open. Finding it at open time means the previous
// session did not close cleanly (crash, SIGKILL, power loss), so the database gets a quick_check.
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs'

export function markerPath(dbFile: string): string {
  return `${dbFile}.running`
}

export function hadUncleanExit(dbFile: string): boolean {
  return existsSync(markerPath(dbFile))
}

export function writeMarker(dbFile: string): void {
  writeFileSync(markerPath(dbFile), `${JSON.stringify({ pid: process.pid, openedAt: new Date().toISOString() })}\n`)
}

/**
 * Removes the marker only when this process wrote it: a clean exit of one process must not erase the
 * marker another process's crash would be detected by (issue 11, finding 5).
 */
export function removeMarker(dbFile: string): void {
  const file = markerPath(dbFile)
  let pid: unknown
  try {
    pid = (JSON.parse(readFileSync(file, 'utf8')) as { pid?: unknown }).pid
  } catch {
    return // gone, or not ours to judge
  }
  if (pid === process.pid) rmSync(file, { force: true })
}
