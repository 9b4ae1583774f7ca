// The desktop app's start-failure dialog (issue 11, finding 9): a damaged, cut-short or garbage
// workspace with a backup is offered "Restore from backup" (a packaged app has no terminal for the
// restore command); other failures, or no backup, are shown as they are. And the restore it runs
// refuses a workspace that a studio has open.
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { BackupEntry } from '../../src-main/core/store/daily-backup'
import { WorkspaceOpenError } from '../../src-main/core/store/errors'
import { restoreClosedWorkspace } from '../../src-main/core/store/restore'
import { openStudio, type Studio } from '../../src-main/core/studio'
import { startFailureOffer } from '../../src-main/main/start-failure'
import { tempDir } from '../store/helpers'
import { testConfig } from '../helpers/config'

const backup: BackupEntry = { file: '/ws/backups/workspace-20261202T030000000Z.db', kind: 'daily', takenAt: '2026-12-02T03:00:00.000Z', bytes: 4096 }

describe('start failure', () => {
  it.each(['corrupt', 'truncated', 'not_a_database'] as const)('offers the newest backup for a %s workspace', (reason) => {
    const offer = startFailureOffer(new WorkspaceOpenError(reason, '/ws/workspace.db', 'damaged'), [backup])
    expect(offer).toMatchObject({ kind: 'restore', backup })
    expect(offer.message).toMatch(/Restore the backup taken 2026-12-02T03:00:00.000Z\?/)
  })

  it('only shows other failures, or damage with no backup', () => {
    expect(startFailureOffer(new WorkspaceOpenError('future_version', '/ws/workspace.db', 'newer'), [backup]).kind).toBe('show')
    expect(startFailureOffer(new Error('the workspace is already open in another PopAlign Studio'), [backup]).kind).toBe('show')
    expect(startFailureOffer(new WorkspaceOpenError('corrupt', '/ws/workspace.db', 'damaged'), [])).toEqual({
      kind: 'show',
      message: 'PopAlign Studio failed to start: Cannot open workspace /ws/workspace.db: damaged'
    })
  })

  let studio: Studio | null = null
  const tmp = tempDir('restore-closed-')
  afterEach(async () => {
    await studio?.close()
    tmp.cleanup()
  })

  it('refuses to restore a workspace a studio has open', async () => {
    const dir = join(tmp.dir, 'ws')
    studio = await openStudio({ workspaceDir: dir, config: testConfig(), log: () => {} })
    expect(() => restoreClosedWorkspace(dir, studio!.workspace.file, backup)).toThrow(/already open in another PopAlign Studio/)
  })
})
