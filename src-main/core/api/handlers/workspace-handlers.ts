// workspace.health and workspace.restore. The studio (core/studio.ts) owns the workspace's life
// cycle, so it supplies the implementation; handler tests that build only the workspace get methods
// that say restoring is not available there.
import type { Output } from '@shared/contract'
import { ApiFailure, type CallContext, type Handlers } from '../dispatch'

export interface WorkspaceMaintenance {
  health(ctx: CallContext): Output<'workspace.health'>
  backup(): Promise<Output<'workspace.backup'>>
  restore(backup: string): Promise<Output<'workspace.restore'>>
}

export function workspaceHandlers(maintenance?: WorkspaceMaintenance): Pick<Handlers, 'workspace.health' | 'workspace.backup' | 'workspace.restore'> {
  return {
    'workspace.health': (_input, ctx) => maintenance?.health(ctx) ?? { damaged: false, message: null, backups: [], canRestore: false },
    'workspace.backup': () => {
      if (!maintenance) throw new ApiFailure('conflict', 'backups are not available in this studio')
      return maintenance.backup()
    },
    'workspace.restore': ({ backup }) => {
      if (!maintenance) throw new ApiFailure('conflict', 'restoring a workspace is not available in this studio')
      return maintenance.restore(backup)
    }
  }
}
