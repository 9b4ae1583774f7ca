// The real entry points as a user runs them: `node scripts/start.mjs` (which falls back to serve
// mode where the Electron binary is missing, as on these machines) and `node out/main/serve.js`.
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { findElectronBinary } from '../../scripts/start.mjs'
import { http } from './helpers'

const root = resolve(__dirname, '../..')
const built = existsSync(join(root, 'out/main/serve.js')) && existsSync(join(root, 'out/renderer/index.html'))
const hasElectron = findElectronBinary(join(root, 'node_modules/electron'), process.env) !== null
const SERVING = /^PopAlign Studio serving at (http:\/\/127\.0\.0\.1:(\d+))\/\?token=([A-Za-z0-9_-]{43})$/m

const workspace = mkdtempSync(join(tmpdir(), 'entry-test-'))
afterAll(() => rmSync(workspace, { recursive: true, force: true }))

interface Running {
  child: ChildProcess
  output: () => string
  url: string
  port: number
  token: string
}

function launch(script: string, args: string[]): Promise<Running> {
  const { POPALIGN_WORKSPACE: _ignored, ...env } = process.env
  const child = spawn(process.execPath, [script, ...args], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  child.stdout.on('data', (d: Buffer) => (out += d.toString()))
  child.stderr.on('data', (d: Buffer) => (out += d.toString()))
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`no serving line within 30 s:\n${out}`))
    }, 30_000)
    const check = (): void => {
      const m = SERVING.exec(out)
      if (!m) return
      clearTimeout(timer)
      resolvePromise({ child, output: () => out, url: m[1], port: Number(m[2]), token: m[3] })
    }
    child.stdout.on('data', check)
    child.on('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`exited with ${code} before serving:\n${out}`))
    })
  })
}

function stop(run: Running, signal: NodeJS.Signals): Promise<number | null> {
  return new Promise((resolvePromise) => {
    run.child.removeAllListeners('exit')
    run.child.on('exit', (code) => resolvePromise(code))
    run.child.kill(signal)
  })
}

async function ownerSession(port: number, token: string): Promise<Record<string, string>> {
  const login = await http(port, `/?token=${token}`)
  expect(login.status).toBe(303)
  const cookie = String(login.headers['set-cookie']).split(';')[0]
  const session = await http(port, '/api/session', { headers: { cookie } })
  const body = session.json<{ csrfToken: string; scope: string }>()
  expect(body.scope).toBe('owner')
  return { cookie, 'x-csrf-token': body.csrfToken, origin: `http://127.0.0.1:${port}`, 'content-type': 'application/json' }
}

describe.skipIf(!built)('serve entry (needs `npm run build`)', () => {
  it.skipIf(hasElectron)('npm start without the Electron binary: one line saying so, then serve mode on 127.0.0.1', async () => {
    const run = await launch('scripts/start.mjs', ['--workspace', workspace])
    try {
      // A "Building…" line comes first only when the sources changed since the last build.
      const lines = run
        .output()
        .trim()
        .split('\n')
        .filter((l) => !l.startsWith('Building PopAlign Studio'))
      expect(lines[0]).toMatch(/Electron binary is not available here.*serve/)
      expect(lines.filter((l) => /Electron binary/.test(l))).toHaveLength(1)
      expect((await http(run.port, '/')).status).toBe(401)
      expect((await http(run.port, '/?token=' + 'A'.repeat(43))).status).toBe(401)
      const headers = await ownerSession(run.port, run.token)
      const page = await http(run.port, '/', { headers: { cookie: headers.cookie } })
      expect(page.status).toBe(200)
      expect(page.text).toMatch(/<div id="app">/)
      const created = await http(run.port, '/api/projects.create', { method: 'POST', headers, body: JSON.stringify({ name: 'Entry test' }) })
      expect(created.status).toBe(200)
      expect(statSync(join(workspace, 'owner-token')).mode & 0o077).toBe(0)
    } finally {
      expect(await stop(run, 'SIGTERM')).toBe(0)
    }
  })

  it('node out/main/serve.js reopens the same workspace with the same owner token and its data', async () => {
    const first = await launch('out/main/serve.js', ['--workspace', workspace])
    const token = first.token
    const headers = await ownerSession(first.port, token)
    await http(first.port, '/api/projects.create', { method: 'POST', headers, body: JSON.stringify({ name: 'Survives restart' }) })
    expect(await stop(first, 'SIGINT')).toBe(0)

    const second = await launch('out/main/serve.js', ['--workspace', workspace])
    try {
      expect(second.token).toBe(token)
      const h2 = await ownerSession(second.port, second.token)
      const list = await http(second.port, '/api/projects.list', { method: 'POST', headers: h2, body: '{}' })
      expect(list.json<{ value: Array<{ name: string }> }>().value.map((p) => p.name)).toContain('Survives restart')
    } finally {
      expect(await stop(second, 'SIGTERM')).toBe(0)
    }
  })

  it('refuses a bad option with a usage message and exit code 2', async () => {
    const child = spawn(process.execPath, ['out/main/serve.js', '--port', 'eighty'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] })
    let err = ''
    child.stderr.on('data', (d: Buffer) => (err += d.toString()))
    const code = await new Promise<number | null>((r) => child.on('exit', r))
    expect(code).toBe(2)
    expect(err).toMatch(/--port "eighty" is not a port number/)
  })
})
