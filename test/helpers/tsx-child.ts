// Runs a TypeScript helper in its own Node process (tsx, the app's tsconfig), so a test can kill it
// (SIGKILL durability) or give it a deadline: before the issue 11 fixes, a FIFO or /dev/zero handed
// to the studio blocked its thread or read without end, which in-process would hang the test runner
// instead of failing the test.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process'
import path from 'node:path'

const REPO = path.resolve(__dirname, '..', '..')

export function spawnTsx(script: string, args: string[], env: NodeJS.ProcessEnv = {}): ChildProcessWithoutNullStreams {
  return spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    cwd: REPO,
    env: { ...process.env, TSX_TSCONFIG_PATH: path.join(REPO, 'src-main', 'tsconfig.json'), ...env },
    stdio: ['pipe', 'pipe', 'pipe']
  })
}

/** Resolves with the child's output once it exits 0; rejects when it fails or runs past `deadlineMs`. */
export function runTsxChild(script: string, args: string[], deadlineMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawnTsx(script, args)
    let out = ''
    child.stdout.on('data', (d: Buffer) => (out += d.toString()))
    child.stderr.on('data', (d: Buffer) => (out += d.toString()))
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`the child did not finish within ${deadlineMs} ms (hung on a special file?)\n${out.slice(-2000)}`))
    }, deadlineMs)
    child.on('exit', (code) => {
      clearTimeout(timer)
      if (code === 0) resolve(out)
      else reject(new Error(`child failed (${code}): ${out.slice(-2000)}`))
    })
  })
}
