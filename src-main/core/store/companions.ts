// The files that live next to a workspace database once it has been used. A 0-byte database is
// what SQLite would happily initialise as a brand-new workspace (with a new owner token), so an
// emptied or truncated workspace.db used to come back silently empty. When any of these is present,
// the database was in use before and an empty file is damage, not a fresh start.
import { existsSync, statSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'

/** Names, next to `dbFile`, that show the workspace was used before; [] for a fresh folder. */
export function workspaceCompanions(dbFile: string): string[] {
  const dir = dirname(dbFile)
  const base = basename(dbFile)
  const found: string[] = []
  // The open marker, the owner token and the caches are written only after a successful open.
  for (const name of [`${base}.running`, 'owner-token', 'thumbs', 'reports']) if (existsSync(join(dir, name))) found.push(name)
  // A WAL with frames means committed data: switching to WAL mode already wrote page 1 to the
  // database, so its being empty now is truncation (an empty WAL may be left by a crash in the first open).
  if (sizeOf(join(dir, `${base}-wal`)) > 0) found.push(`${base}-wal`)
  return found
}

function sizeOf(file: string): number {
  try {
    return statSync(file).size
  } catch {
    return 0
  }
}
