// What the desktop app offers when the workspace does not open (issue 11, finding 9). A packaged app
// has no terminal to run the restore command in, so a damaged or cut-short workspace with a backup gets
// a "Restore from backup" button in the start-failure dialog; anything else is shown as it is.
import { WorkspaceOpenError } from '../core/store/errors'
import type { BackupEntry } from '../core/store/daily-backup'

export type StartFailureOffer = { kind: 'restore'; backup: BackupEntry; message: string } | { kind: 'show'; message: string }

export function startFailureOffer(err: unknown, backups: readonly BackupEntry[]): StartFailureOffer {
  const message = `PopAlign Studio failed to start: ${err instanceof Error ? err.message : String(err)}`
  const damaged = err instanceof WorkspaceOpenError && (err.reason === 'corrupt' || err.reason === 'truncated' || err.reason === 'not_a_database')
  if (!damaged || backups.length === 0) return { kind: 'show', message }
  const backup = backups[0]
  return {
    kind: 'restore',
    backup,
    message: `${message}\n\nRestore the backup taken ${backup.takenAt}? Changes made after it are not in it. The damaged files are moved to the "damaged" folder of the workspace, not deleted.`
  }
}
