// A marker file that exists while a workspace is open. Finding it at open time means the previous
// session did not close cleanly (crash, SIGKILL, power loss), so the database gets a quick_check.
import { existsSync, rmSync, writeFileSync } from 'node:fs'

export function markerPath(dbFile: string): string {
  return `${dbFile}.running`
}

export function hadUncleanExit(dbFile: string): boolean {
  return existsSync(markerPath(dbFile))
}

export function writeMarker(dbFile: string): void {
  writeFileSync(markerPath(dbFile), `${JSON.stringify({ pid: process.pid, openedAt: new Date().toISOString() })}\n`)
}

export function removeMarker(dbFile: string): void {
  rmSync(markerPath(dbFile), { force: true })
}
