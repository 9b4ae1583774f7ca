// Child process for the SIGKILL test: opens a workspace and either starts an import or resumes
// pending jobs, printing one line per progress event so the parent knows when to kill it.
//   node --import tsx import-child.ts <workspaceDir> start <projectId> <folder>
//   node --import tsx import-child.ts <workspaceDir> resume
// With IMPORT_CHILD_DIE_AT_START set, it kills itself once the import has started (crash-loop test).
import path from 'node:path'
import { openWorkspace } from '../../../../src-main/core/store/open'
import { createImportService } from '../../../../src-main/core/features/import/import-service'
import { createJobRunner } from '../../../../src-main/core/jobs/runner'

async function main(): Promise<void> {
  const [workspaceDir, mode, projectId, folder] = process.argv.slice(2)
  const ws = openWorkspace(path.join(workspaceDir, 'ws.sqlite'))
  const runner = createJobRunner({
    db: ws.db,
    throttleMs: 0,
    onEvent: (_e, job) => {
      process.stdout.write(`progress ${job.id} ${job.state} ${job.done}/${job.total}\n`)
      // A crash while the import starts (after its folder is read, before any file is committed),
      // as a file that kills the process would cause: SIGKILL, so nothing is cleaned up.
      if (process.env.IMPORT_CHILD_DIE_AT_START && job.message.startsWith('importing ')) process.kill(process.pid, 'SIGKILL')
    }
  })
  createImportService({ ws, runner, workspaceDir, chunkSize: 8, concurrency: 2 })
  if (mode === 'start') runner.start('import', { projectId: Number(projectId), payload: { folder, planned: false } })
  else if (mode === 'resume') runner.resumePending()
  else throw new Error(`unknown mode ${mode}`)
  await runner.idle()
  ws.close()
  process.stdout.write('finished\n')
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`)
  process.exit(1)
})
