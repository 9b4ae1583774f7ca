// Runs the real serve mode (`node out/main/serve.js`) as a child process, the way a user starts it,
// and reads the address it prints. Tests kill it with SIGKILL to prove that nothing acknowledged is lost.
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { resolve } from 'node:path'

const ROOT = resolve(__dirname, '../..')
export const SERVE_ENTRY = resolve(ROOT, 'out/main/serve.js')
const ADDRESS_LINE = /(http:\/\/127\.0\.0\.1:\d+)\/\?token=([\w-]+)/

export interface ServeProcess {
  /** The owner's address, token included. */
  link: string
  origin: string
  token: string
  child: ChildProcess
  output: () => string
  /** Ends the process and waits for it to be gone. */
  kill(signal?: NodeJS.Signals): Promise<void>
}

export interface StartOptions {
  timeoutMs?: number
  /** 'remembered': no --port, as a user starts it (the workspace's port); default 0, any free port. */
  port?: number | 'remembered'
  /** Extra environment for the server (POPALIGN_DEMO=1: a new workspace gets the demo project). */
  env?: Record<string, string>
}

export async function startServe(workspace: string, opts: StartOptions = {}): Promise<ServeProcess> {
  const timeoutMs = opts.timeoutMs ?? 30_000
  if (!existsSync(SERVE_ENTRY)) throw new Error(`${SERVE_ENTRY} is missing: run \`npx electron-vite build\` first`)
  const port = opts.port ?? 0
  const portArgs = port === 'remembered' ? [] : ['--port', String(port)]
  const child = spawn(process.execPath, [SERVE_ENTRY, '--workspace', workspace, ...portArgs], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...opts.env } })
  let output = ''
  const exited = new Promise<void>((done) => child.once('exit', () => done()))
  const kill = async (signal: NodeJS.Signals = 'SIGKILL'): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal)
    await exited
  }
  const found = await new Promise<RegExpMatchArray>((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`serve mode printed no address in ${timeoutMs} ms:\n${output}`)), timeoutMs)
    const onData = (chunk: Buffer): void => {
      output += chunk.toString('utf8')
      const match = output.match(ADDRESS_LINE)
      if (match) {
        clearTimeout(timer)
        ok(match)
      }
    }
    child.stdout?.on('data', onData)
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')))
    child.once('exit', (code, signal) => {
      clearTimeout(timer)
      fail(new Error(`serve mode exited (${code ?? signal}) before printing its address:\n${output}`))
    })
  }).catch(async (err: unknown) => {
    await kill()
    throw err
  })
  return { link: found[0], origin: found[1], token: found[2], child, output: () => output, kill }
}
