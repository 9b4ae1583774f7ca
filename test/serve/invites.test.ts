// One-time invites against a real serve-mode server on 127.0.0.1:0, over a real workspace:
// a code opens one annotate-scope session and never a second; revoked and expired codes are refused;
// revoking the annotator ends their live session; annotate scope cannot call owner methods.
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Result } from '@shared/contract'
import type { Workspace } from '../../src-main/core/store/open'
import { startServeMode, type ServeHandle } from '../../src-main/core/serve/server'
import { createHandlers } from '../../src-main/core/api/handlers/handlers'
import { createTeamService, type TeamService } from '../../src-main/core/features/team/team-service'
import { addImages, openTempWorkspace } from '../store/fixtures'
import { http } from './helpers'

const unused = () => {
  throw new Error('not used in this test')
}

describe('serve mode: one-time invites for annotators', () => {
  let t: ReturnType<typeof openTempWorkspace>
  let ws: Workspace
  let team: TeamService
  let server: ServeHandle
  let clock: number
  let projectId: number

  beforeEach(async () => {
    t = openTempWorkspace()
    ws = t.ws
    projectId = ws.projects.create('P').id
    clock = Date.parse('2026-11-23T10:00:00.000Z')
    team = createTeamService(ws, { now: () => new Date(clock) })
    const renderer = join(t.dir, 'renderer')
    mkdirSync(renderer)
    writeFileSync(join(renderer, 'index.html'), '<!doctype html><title>studio</title>')
    server = await startServeMode({
      handlers: createHandlers({ ws, imports: { start: unused, report: unused }, jobs: { cancel: unused }, team }),
      imageFile: () => null,
      verifyToken: (token) => ws.tokens.verify(token),
      redeemInvite: (code) => team.redeemInvite(code),
      rendererDir: renderer,
      log: () => {},
      dispatch: { checkOutputs: true }
    })
  })
  afterEach(async () => {
    await server.close()
    t.dispose()
  })

  const origin = () => `http://127.0.0.1:${server.port}`

  /** Opens an invite path like a browser; returns the session's request headers, or the refusal. */
  async function open(path: string): Promise<{ headers: Record<string, string> } | { status: number; text: string }> {
    const res = await http(server.port, path)
    if (res.status !== 303) return { status: res.status, text: res.text }
    expect(res.headers.location).toBe('/')
    const cookie = String(res.headers['set-cookie']).split(';')[0]
    expect(String(res.headers['set-cookie'])).toMatch(/HttpOnly; SameSite=Strict; Path=\//)
    const session = await http(server.port, '/api/session', { headers: { cookie } })
    expect(session.status).toBe(200)
    const { csrfToken } = session.json<{ csrfToken: string }>()
    return { headers: { cookie, 'x-csrf-token': csrfToken, origin: origin(), 'content-type': 'application/json' } }
  }
  async function api(method: string, body: unknown, headers: Record<string, string>): Promise<{ status: number; result: Result<unknown> | null }> {
    const res = await http(server.port, `/api/${method}`, { method: 'POST', headers, body: JSON.stringify(body) })
    // An unauthenticated request is refused before the API (plain text), so there is no Result.
    const json = String(res.headers['content-type']).startsWith('application/json')
    return { status: res.status, result: json ? res.json<Result<unknown>>() : null }
  }

  it('an invite opens one annotate session for its annotator, and the same link never opens another', async () => {
    const alice = team.createAnnotator('alice')
    const invite = team.invite(alice.id, 72, [projectId])
    expect(invite.path).toBe(`/invite/${invite.code}`)
    expect(invite.expiresAt).toBe('2026-11-26T10:00:00.000Z')
    // Only the digest is stored.
    expect(JSON.stringify(ws.db.prepare('SELECT * FROM invites').all())).not.toContain(invite.code)

    const session = await open(invite.path)
    if (!('headers' in session)) throw new Error(`invite refused: ${session.text}`)
    const who = await api('session.whoami', {}, session.headers)
    expect(who.result).toEqual({ ok: true, value: { annotator: { id: alice.id, name: 'alice', kind: 'human' }, scope: 'annotate' } })

    expect(await open(invite.path)).toEqual({ status: 401, text: expect.stringMatching(/already been used/) })
    expect(await open('/invite/not-a-real-code')).toEqual({ status: 401, text: expect.stringMatching(/not valid/) })
    expect(await open(`/?token=${invite.code}`)).toMatchObject({ status: 401 }) // a code is not an access token
  })

  it('annotate scope labels but cannot call owner methods (training, export, settings, team)', async () => {
    const alice = team.createAnnotator('alice')
    const project = ws.projects.create('Q', '')
    const prompt = ws.prompts.ensure({ projectId: project.id, text: 'a doctor' })
    addImages(ws, project.id, prompt.id, 4)
    ws.sets.create(project.id, prompt.id, 'manual', [1, 2])
    ws.sets.create(project.id, prompt.id, 'manual', [3, 4])
    ws.pairs.createAllMissing(project.id)
    const session = await open(team.invite(alice.id, 1, [project.id]).path)
    if (!('headers' in session)) throw new Error(session.text)
    const task = await api('label.next', { projectId: project.id }, session.headers)
    expect(task.status).toBe(200)
    for (const [method, body] of [
      ['projects.create', { name: 'x' }],
      ['team.invite', { annotatorId: alice.id }],
      ['team.revoke', { annotatorId: alice.id }],
      ['team.agreement', { projectId: project.id }],
      ['mcmc.start', { projectId: project.id, promptId: prompt.id }],
      ['axes.save', { projectId: project.id, name: 'g', classes: ['m', 'f'] }],
      ['import.start', { projectId: project.id, folder: '/tmp' }]
    ] as const) {
      const r = await api(method, body, session.headers)
      expect(r.status, method).toBe(403)
      expect(r.result).toMatchObject({ ok: false, error: { code: 'forbidden' } })
    }
  })

  it('revoking an invite or the annotator refuses the link, and revoking the annotator ends their live session', async () => {
    const alice = team.createAnnotator('alice')
    const bob = team.createAnnotator('bob')
    const aliceSession = await open(team.invite(alice.id, 1, [projectId]).path)
    if (!('headers' in aliceSession)) throw new Error(aliceSession.text)
    const unusedInvite = team.invite(alice.id, 1, [projectId])
    expect((await api('session.whoami', {}, aliceSession.headers)).status).toBe(200)

    expect(team.revoke(alice.id)).toMatchObject({ annotator: { revoked: true }, tokensRevoked: 1, invitesRevoked: 1 })
    expect((await http(server.port, '/api/session', { headers: { cookie: aliceSession.headers.cookie } })).status).toBe(401)
    expect((await api('label.progress', { projectId: 1 }, aliceSession.headers)).status).toBe(401)
    expect(await open(unusedInvite.path)).toEqual({ status: 401, text: expect.stringMatching(/revoked/) })
    expect(() => team.invite(alice.id, 1, [projectId])).toThrow(/was revoked/)
    // Others are untouched.
    const bobSession = await open(team.invite(bob.id, 1, [projectId]).path)
    expect('headers' in bobSession).toBe(true)
  })

  it('an expired invite is refused', async () => {
    const alice = team.createAnnotator('alice')
    const invite = team.invite(alice.id, 2, [projectId])
    clock += 2 * 3_600_000 + 1
    expect(await open(invite.path)).toEqual({ status: 401, text: expect.stringMatching(/expired/) })
  })

  it('the owner creates invites through the API; the owner and classifier cannot be invited', async () => {
    const ownerToken = ws.tokens.create(ws.annotators.owner().id, 'owner')
    const res = await http(server.port, `/?token=${ownerToken}`)
    const cookie = String(res.headers['set-cookie']).split(';')[0]
    const { csrfToken } = (await http(server.port, '/api/session', { headers: { cookie } })).json<{ csrfToken: string }>()
    const headers = { cookie, 'x-csrf-token': csrfToken, origin: origin(), 'content-type': 'application/json' }
    const created = await api('team.createAnnotator', { name: 'carol' }, headers)
    const carol = (created.result as { ok: true; value: { id: number } }).value
    const invite = await api('team.invite', { annotatorId: carol.id, projectIds: [projectId], ttlHours: 24 }, headers)
    expect(invite.result).toMatchObject({ ok: true, value: { path: expect.stringMatching(/^\/invite\/[A-Za-z0-9_-]{43}$/) } })
    expect((await api('team.invite', { annotatorId: ws.annotators.owner().id, projectIds: [projectId] }, headers)).result).toMatchObject({
      ok: false,
      error: { code: 'bad_request', message: expect.stringMatching(/owner token/) }
    })
    expect((await api('team.invite', { annotatorId: ws.annotators.classifier().id, projectIds: [projectId] }, headers)).result).toMatchObject({ ok: false, error: { code: 'bad_request' } })
  })
})
