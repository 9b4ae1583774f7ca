// A studio in its own process for the workspace-lock test: opens the workspace given as argv[2],
// prints "OPEN <pid> <recovered>" and stays open until stdin closes, then closes cleanly. A refused
// open prints "REFUSED <message>" and exits 3.
import { openStudio } from '../../src-main/core/studio'
import { WorkspaceLockedError } from '../../src-main/core/store/workspace-lock'
import { testConfig } from '../helpers/config'

async function main(): Promise<void> {
  const dir = process.argv[2]
  let studio: Awaited<ReturnType<typeof openStudio>>
  try {
    studio = await openStudio({ workspaceDir: dir, config: testConfig(), log: () => {} })
  } catch (err) {
    if (err instanceof WorkspaceLockedError) {
      process.stdout.write(`REFUSED ${err.message}\n`)
      process.exit(3)
    }
    throw err
  }
  process.stdout.write(`OPEN ${process.pid} ${studio.workspace.recoveredFromUncleanExit}\n`)
  process.stdin.resume()
  process.stdin.on('end', () => {
    void studio.close().then(() => process.exit(0))
  })
}

void main()
