// Damage found while the studio runs (issue 11, finding 9). SQLite reports a damaged database as
// SQLITE_CORRUPT ("database disk image is malformed") or SQLITE_NOTADB ("file is not a database")
// from whichever query first reads a bad page. Left alone, every screen then fails in turn with that
// sentence. Instead the first such error puts the workspace in one "damaged" state, which every call
// answers with the problem and the way out (restore from the automatic backup), until it is restored.
import { sqliteCode } from './errors'
import { RESTORE_COMMAND } from './open'

export function isCorruptionError(err: unknown): boolean {
  const code = sqliteCode(err) ?? ''
  if (code.startsWith('SQLITE_CORRUPT') || code.startsWith('SQLITE_NOTADB')) return true
  const message = err instanceof Error ? err.message : ''
  return /database disk image is malformed|file is not a database/i.test(message)
}

export interface DamageInfo {
  /** What SQLite said, first time. */
  detail: string
  since: string
}

/** The damaged state of one open workspace: set once, by the first corruption error seen. */
export class WorkspaceHealth {
  private info: DamageInfo | null = null

  get damage(): DamageInfo | null {
    return this.info
  }

  /** Records `err` when it is corruption; returns whether the workspace is (now) damaged. */
  observe(err: unknown): boolean {
    if (isCorruptionError(err)) this.mark(err instanceof Error ? err.message : String(err))
    return this.info !== null
  }

  /** Marks the workspace damaged for a reason found some other way (a restore that could not finish). */
  mark(detail: string): void {
    this.info ??= { detail, since: new Date().toISOString() }
  }
}

/** The sentence every call answers while the workspace is damaged. */
export function damagedMessage(dbFile: string, info: DamageInfo, newestBackup: string | null): string {
  const wayOut = newestBackup
    ? `restore it from the automatic backup ${newestBackup} (the "Restore from backup" button, or with the studio stopped: ${RESTORE_COMMAND}); the damaged files are kept aside, not deleted`
    : 'there is no backup of it yet; copy the workspace folder somewhere safe before trying anything else'
  return `the workspace database ${dbFile} is damaged (SQLite: ${info.detail}); ${wayOut}`
}
