// The workspace itself: whether its database is sound, the automatic backups it keeps, and restoring
// from one when it is damaged (issue 11, finding 9).
import { z } from 'zod'
import { Count, method, none } from './common'

export const BackupInfo = z.object({
  file: z.string(),
  /** 'daily': the studio's own daily copy; 'pre-migration': the copy kept before a schema upgrade. */
  kind: z.enum(['daily', 'pre-migration']),
  takenAt: z.string(),
  bytes: Count
})
export type BackupInfo = z.infer<typeof BackupInfo>

export const WorkspaceHealthReport = z.object({
  damaged: z.boolean(),
  /** The problem and the way out, when damaged. */
  message: z.string().nullable(),
  /** Newest first; empty for annotator sessions (only the owner can restore). */
  backups: z.array(BackupInfo),
  /** True for the owner's session: workspace.restore is theirs. */
  canRestore: z.boolean()
})
export type WorkspaceHealthReport = z.infer<typeof WorkspaceHealthReport>

export const workspaceMethods = {
  /** Answered even while the workspace is damaged, so the UI can show the one "workspace damaged" panel. */
  'workspace.health': method(none, WorkspaceHealthReport, 'annotate'),
  /**
   * Replaces a damaged workspace database by a backup ('latest' or one of workspace.health's files).
   * The damaged files are moved to `<workspace>/damaged/<time>/`, never deleted. Refused while the
   * workspace is sound: a restore would throw away every decision since the backup.
   */
  /** Takes a backup now (as the daily one does), e.g. before a risky change; the oldest beyond the kept generations goes. */
  'workspace.backup': method(none, BackupInfo),
  'workspace.restore': method(z.object({ backup: z.string().min(1).max(4096).default('latest') }).strict(), z.object({ restoredFrom: z.string(), keptAsideIn: z.string().nullable() }))
} as const
