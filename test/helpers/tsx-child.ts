// Starts helpers/import-child.ts in its own Node process (tsx, the app's tsconfig), so a test can
// kill it (SIGKILL durability) or give it a deadline (an importer hung on a special file).
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process'
import path from 'node:path'

const CHILD = path.resolve(__dirname, 'import-child.ts')
const REPO = path.resolve(__dirname, '..', '..', '..')

export function spawnImportChild(args: string[]): ChildProcessWithoutNullStreams {
  return spawn(process.execPath, ['--import', 'tsx', CHILD, ...args], {
    cwd: REPO,
    env: { ...process.env, TSX_TSCONFIG_PATH: path.join(REPO, 'src-main', 'tsconfig.json') },
    stdio: ['pipe', 'pipe', 'pipe']
  })
}
