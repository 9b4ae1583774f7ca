// Restores a workspace from one of its automatic backups, with the studio stopped (the way out that a
// "workspace damaged" message names, also when the workspace no longer opens at all):
//   npm run restore-workspace -- [--workspace DIR] [--backup latest|<file>] [--list]
// The damaged database files are moved to <workspace>/damaged/<time>/, never deleted.
import { homedir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { listBackups } from '../core/store/daily-backup'
import { pickBackup, restoreClosedWorkspace } from '../core/store/restore'
import { defaultWorkspaceDir } from '../core/serve/args'
import { WORKSPACE_DB_FILE } from '../core/studio'

function main(): void {
  const { values } = parseArgs({ options: { workspace: { type: 'string' }, backup: { type: 'string', default: 'latest' }, list: { type: 'boolean', default: false } } })
  const workspaceDir = values.workspace ?? defaultWorkspaceDir(process.env, homedir())
  const dbFile = join(workspaceDir, WORKSPACE_DB_FILE)
  if (values.list) {
    const backups = listBackups(dbFile)
    if (backups.length === 0) console.log(`no backups of ${dbFile}`)
    for (const b of backups) console.log(`${b.takenAt}  ${b.kind.padEnd(13)}  ${String(b.bytes).padStart(10)} bytes  ${b.file}`)
    return
  }
  const result = restoreClosedWorkspace(workspaceDir, dbFile, pickBackup(dbFile, values.backup))
  console.log(`restored ${dbFile} from ${result.restoredFrom}`)
  if (result.keptAsideIn) console.log(`the replaced files are kept in ${result.keptAsideIn}`)
}

try {
  main()
} catch (err) {
  console.error(`restore-workspace: ${err instanceof Error ? err.message : String(err)}`)
  process.exit(1)
}
