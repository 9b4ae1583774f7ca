// A restart strands nobody (issue 10, item 4): the workspace remembers its port, browser sessions
// (an invited annotator's included) are kept in the workspace and work again after a restart until
// they go idle or are revoked, and a person turned away gets a readable page, not a bare-text 401.
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Workspace } from '../../src-main/core/store/open'
import { PORT_FILE, portTakenMessage, portToBind, rememberPort, rememberedPort, shouldRemember } from '../../src-main/core/serve/port-memory'
import { startServeMode, type ServeHandle } from '../../src-main/core/serve/server'
import { SessionStore } from '../../src-main/core/serve/sessions'
import { createHandlers } from '../../src-main/core/api/handlers/handlers'
import { createTeamService, type TeamService } from '../../src-main/core/features/team/team-service'
import { openTempWorkspace } from '../store/fixtures'
import { http } from './helpers'

const unused = () => {
  throw new Error('not used in this test')
}

describe('the remembered port', () => {
  let t: ReturnType<typeof openTempWorkspace>
  beforeEach(() => (t = openTempWorkspace()))
  afterEach(() => t.dispose())

  it('is none at first, then the one remembered; a given --port wins and --port 0 is not remembered', () => {
    expect(rememberedPort(t.dir)).toBeNull()
    expect(portToBind(null, t.dir)).toEqual({ port: 0, remembered: false })
    rememberPort(t.dir, 41234)
    expect(readFileSync(join(t.dir, PORT_FILE), 'utf8')).toBe('41234\n')
    expect(portToBind(null, t.dir)).toEqual({ port: 41234, remembered: true })
    expect(portToBind(8080, t.dir)).toEqual({ port: 8080, remembered: false })
    expect(portToBind(0, t.dir)).toEqual({ port: 0, remembered: false })
    expect([shouldRemember(null), shouldRemember(8080), shouldRemember(0)]).toEqual([true, true, false])
  })

  it('ignores a file that does not hold a port number', () => {
    for (const text of ['', 'eighty', '70000', '0', '12 34']) {
      writeFileSync(join(t.dir, PORT_FILE), text)
      expect(rememberedPort(t.dir), text).toBeNull()
    }
    expect(() => rememberPort(t.dir, 0)).toThrow(/not a port number/)
  })

  it('says in words what to do when the port is taken', () => {
    const text = portTakenMessage(41234, true)
    expect(text).toMatch(/Port 41234 is already in use/)
    expect(text).toMatch(/--port/)
    expect(text).not.toMatch(/EADDRINUSE/)
  })
})

describe('sessions kept in the workspace', () => {
  let t: ReturnType<typeof openTempWorkspace>
  let ws: Workspace
  let team: TeamService
  let server: ServeHandle | null = null
  let renderer: string
  let sessionsFile: string
  let projectId: number

  const start = async (port = 0): Promise<ServeHandle> =>
    (server = await startServeMode({
      handlers: createHandlers({ ws, imports: { start: unused, report: unused }, jobs: { cancel: unused }, team }),
      imageFile: () => null,
      verifyToken: (token) => ws.tokens.verify(token),
      redeemInvite: (code) => team.redeemInvite(code),
      rendererDir: renderer,
      sessionsFile,
      port,
      log: () => {}
    }))

  beforeEach(() => {
    t = openTempWorkspace()
    ws = t.ws
    team = createTeamService(ws)
    projectId = ws.projects.create('P').id
    renderer = join(t.dir, 'renderer')
    mkdirSync(renderer)
    writeFileSync(join(renderer, 'index.html'), '<!doctype html><title>studio</title>')
    sessionsFile = join(t.dir, 'serve-sessions.json')
  })
  afterEach(async () => {
    await server?.close()
    server = null
    t.dispose()
  })

  async function redeem(path: string): Promise<{ cookie: string; csrf: string }> {
    const res = await http(server!.port, path, { headers: { connection: 'close' } })
    expect(res.status).toBe(303)
    const cookie = String(res.headers['set-cookie']).split(';')[0]
    const session = await http(server!.port, '/api/session', { headers: { cookie, connection: 'close' } })
    expect(session.status).toBe(200)
    return { cookie, csrf: session.json<{ csrfToken: string }>().csrfToken }
  }
  const whoami = (s: { cookie: string; csrf: string }) =>
    http(server!.port, '/api/session.whoami', {
      method: 'POST',
      body: '{}',
      headers: { cookie: s.cookie, 'x-csrf-token': s.csrf, origin: `http://127.0.0.1:${server!.port}`, 'content-type': 'application/json', connection: 'close' }
    })

  /** Alice joins through an invite, then the studio stops. */
  async function aliceJoinsThenStop(): Promise<{ alice: { id: number }; port: number; session: { cookie: string; csrf: string } }> {
    const alice = team.createAnnotator('alice')
    const first = await start()
    const session = await redeem(team.invite(alice.id, 24, [projectId]).path)
    await first.close()
    server = null
    return { alice, port: first.port, session }
  }

  it("an invited annotator's session works after a restart on the same port, with the same CSRF token", async () => {
    const { port, session } = await aliceJoinsThenStop()
    // The file names no usable cookie (only its digest) and only its owner may read it.
    const saved = readFileSync(sessionsFile, 'utf8')
    expect(saved).not.toContain(session.cookie.split('=')[1])
    expect(statSync(sessionsFile).mode & 0o077).toBe(0)

    await start(port)
    const again = await whoami(session)
    expect(again.status).toBe(200)
    expect(again.json()).toMatchObject({ ok: true, value: { annotator: { name: 'alice' }, scope: 'annotate' } })
    // The handshake gives the same CSRF token the open tab already holds.
    const handshake = await http(port, '/api/session', { headers: { cookie: session.cookie, connection: 'close' } })
    expect(handshake.json<{ csrfToken: string }>().csrfToken).toBe(session.csrf)
  })

  it('a session revoked while the studio was down stays out after the restart', async () => {
    const { alice, port, session } = await aliceJoinsThenStop()
    team.revoke(alice.id)
    await start(port)
    expect((await whoami(session)).status).toBe(401)
  })

  it('a session idle past its limit is not read back', () => {
    let now = 1_000_000
    const store = new SessionStore(60_000, 100, () => now, { path: sessionsFile })
    const s = store.create('token-a', { annotatorId: 2, scope: 'annotate', projects: [1] })
    expect(new SessionStore(60_000, 100, () => now, { path: sessionsFile }).get(s.id)).toMatchObject({ annotatorId: 2, csrfToken: s.csrfToken, projects: [1] })
    now += 60_001
    expect(new SessionStore(60_000, 100, () => now, { path: sessionsFile }).get(s.id)).toBeNull()
  })

  it('a damaged sessions file means everyone signs in again, not a studio that will not start', async () => {
    const logged: string[] = []
    writeFileSync(sessionsFile, '{"sessions": [ {"key": "nope"}, 42, ')
    expect(new SessionStore(60_000, 100, Date.now, { path: sessionsFile, log: (l) => logged.push(l) }).size).toBe(0)
    expect(logged.join('\n')).toMatch(/ignored the saved sessions/)
    writeFileSync(sessionsFile, JSON.stringify({ version: 1, sessions: [{ key: 'x', token: 't' }, null, 'str'] }))
    expect(new SessionStore(60_000, 100, Date.now, { path: sessionsFile }).size).toBe(0)
  })

  it('turns a browser away with a readable page; scripts still get plain text', async () => {
    const alice = team.createAnnotator('alice')
    const first = await start()
    const invite = team.invite(alice.id, 24, [projectId])
    await redeem(invite.path)
    const html = { accept: 'text/html,application/xhtml+xml' }
    const spent = await http(first.port, invite.path, { headers: html })
    expect(spent.status).toBe(401)
    expect(spent.headers['content-type']).toMatch(/^text\/html/)
    expect(spent.text).toMatch(/<h1>This invite link does not work<\/h1>/)
    expect(spent.text).toMatch(/already been used/)
    const signedOut = await http(first.port, '/', { headers: html })
    expect(signedOut.status).toBe(401)
    expect(signedOut.text).toMatch(/You are not signed in/)
    expect(signedOut.text).not.toMatch(/<script/)
    expect(String(signedOut.headers['content-security-policy'])).toMatch(/default-src 'none'/)
    const script = await http(first.port, '/')
    expect(script.headers['content-type']).toMatch(/^text\/plain/)
    expect((await http(first.port, '/api/session', { headers: html })).headers['content-type']).toMatch(/^text\/plain/)
  })
})
