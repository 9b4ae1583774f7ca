// Issue 11, finding 6: an annotator invited to project A, against a real serve-mode server wired as
// the studio wires it (handlers behind withProjectScope, images behind imageAllowed), calls project
// B's methods and images and is refused every time; their own project works; the owner is unrestricted.
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Result } from '@shared/contract'
import { dispatch } from '../../src-main/core/api/dispatch'
import { allowsProject, withProjectScope } from '../../src-main/core/api/project-scope'
import type { Workspace } from '../../src-main/core/store/open'
import { projectOfRepo } from '../../src-main/core/store/repos/project-of'
import { createMcmcService } from '../../src-main/core/features/refinement/chain-service'
import { startServeMode, type ServeHandle } from '../../src-main/core/serve/server'
import { createHandlers } from '../../src-main/core/api/handlers/handlers'
import { createTeamService } from '../../src-main/core/features/team/team-service'
import { addImages, openTempWorkspace } from '../store/fixtures'
import { http, sessionHeaders } from './helpers'

const unused = () => {
  throw new Error('not used in this test')
}

interface ProjectFixture {
  id: number
  promptId: number
  images: number[]
  pairId: number
  chainId: number
}

describe('serve mode: annotator scope by project (issue 11, finding 6)', () => {
  let t: ReturnType<typeof openTempWorkspace>
  let ws: Workspace
  let server: ServeHandle
  let a: ProjectFixture
  let b: ProjectFixture
  let headers: Record<string, string>
  let ownerHeaders: Record<string, string>
  let handlers: ReturnType<typeof createHandlers>

  function project(name: string): ProjectFixture {
    const id = ws.projects.create(name, '').id
    const promptId = ws.prompts.ensure({ projectId: id, text: 'a doctor' }).id
    const root = join(t.dir, `images-${name}`)
    mkdirSync(join(root, `p${promptId}`), { recursive: true })
    const images = addImages(ws, id, promptId, 8, root)
    for (let i = 0; i < 8; i++) writeFileSync(join(root, `p${promptId}`, `img_${i}.png`), Buffer.from('not really a png'))
    ws.sets.create(id, promptId, 'manual', images.slice(0, 2))
    ws.sets.create(id, promptId, 'manual', images.slice(2, 4))
    ws.pairs.createAllMissing(id)
    const pairId = ws.pairs.list(id)[0].id
    const chainId = createMcmcService(ws).start({ projectId: id, promptId, size: 4, judge: 'human', seed: 1, createdBy: ws.annotators.owner().id }).id
    return { id, promptId, images, pairId, chainId }
  }

  beforeEach(async () => {
    t = openTempWorkspace()
    ws = t.ws
    a = project('A')
    b = project('B')
    const team = createTeamService(ws)
    const projectOf = projectOfRepo(ws.db)
    handlers = createHandlers({ ws, imports: { start: unused, report: unused }, jobs: { cancel: unused }, team })
    const renderer = join(t.dir, 'renderer')
    mkdirSync(renderer)
    writeFileSync(join(renderer, 'index.html'), '<!doctype html><title>studio</title>')
    server = await startServeMode({
      handlers: withProjectScope(handlers, projectOf),
      imageFile: (id, variant) => ws.images.imageFile(id, variant),
      imageAllowed: (who, id) => allowsProject(who, projectOf.image(id)),
      verifyToken: (token) => ws.tokens.verify(token),
      redeemInvite: (code) => team.redeemInvite(code),
      rendererDir: renderer,
      log: () => {},
      dispatch: { checkOutputs: true }
    })
    const alice = team.createAnnotator('alice')
    headers = await sessionFrom(team.invite(alice.id, 1, [a.id]).path)
    ownerHeaders = await sessionFrom(`/?token=${ws.tokens.create(ws.annotators.owner().id, 'owner')}`)
  })
  afterEach(async () => {
    await server.close()
    t.dispose()
  })

  const sessionFrom = (path: string) => sessionHeaders(server.port, path)
  async function api(method: string, body: unknown, as = headers): Promise<{ status: number; result: Result<unknown> }> {
    const res = await http(server.port, `/api/${method}`, { method: 'POST', headers: as, body: JSON.stringify(body) })
    return { status: res.status, result: res.json<Result<unknown>>() }
  }
  /** Every annotate-scope call, aimed at project `p`. */
  function callsOn(p: ProjectFixture): Array<[string, Record<string, unknown>]> {
    return [
      ['projects.get', { projectId: p.id }],
      ['prompts.list', { projectId: p.id }],
      ['axes.list', { projectId: p.id }],
      ['images.list', { projectId: p.id }],
      ['sets.list', { projectId: p.id }],
      ['label.next', { projectId: p.id }],
      ['label.progress', { projectId: p.id }],
      ['label.recent', { projectId: p.id }],
      ['label.undo', { projectId: p.id }],
      ['mcmc.list', { projectId: p.id }],
      ['mcmc.get', { chainId: p.chainId }],
      ['mcmc.log', { chainId: p.chainId }],
      ['label.judge', { pairId: p.pairId, criterion: 'fairness', choice: 'a', shownLeft: 'a', responseMs: 5, idempotencyKey: `key-${p.id}-judge` }]
    ]
  }

  it("refuses every annotate method on another project's rows, and allows them on the invited project", async () => {
    for (const [method, body] of callsOn(b)) {
      const { status, result } = await api(method, body)
      expect({ method, status }).toEqual({ method, status: 403 })
      expect(result.ok ? '' : result.error.message).toMatch(/invite does not cover this project/)
    }
    for (const [method, body] of callsOn(a)) expect({ method, status: (await api(method, body)).status }).toEqual({ method, status: 200 })
  })

  it('lists only the invited projects; the owner sees all', async () => {
    const listed = (await api('projects.list', {})).result
    expect(listed.ok && (listed.value as Array<{ id: number }>).map((p) => p.id)).toEqual([a.id])
    const all = (await api('projects.list', {}, ownerHeaders)).result
    expect(all.ok && (all.value as Array<{ id: number }>).map((p) => p.id).sort()).toEqual([a.id, b.id].sort())
  })

  it("cannot stop project B's refinement chain or edit B's decisions; the owner can", async () => {
    const stop = await api('mcmc.decide', { chainId: b.chainId, decision: 'stop', idempotencyKey: 'stop-chain-b' })
    expect(stop.status).toBe(403)
    expect(ws.db.prepare('SELECT state FROM mcmc_chains WHERE id = ?').get(b.chainId)).toEqual({ state: 'running' })

    const owner = { annotatorId: ws.annotators.owner().id, scope: 'owner' as const }
    const judged = await dispatch(handlers, 'label.judge', { pairId: b.pairId, criterion: 'fairness', choice: 'a', shownLeft: 'a', responseMs: 5, idempotencyKey: 'owner-judges-b' }, owner, {
      checkOutputs: true
    })
    if (!judged.ok) throw new Error(judged.error.message)
    const judgementId = (judged.value as { judgement: { id: number } }).judgement.id
    expect((await api('label.edit', { judgementId, choice: 'b' })).status).toBe(403)

    expect((await api('mcmc.decide', { chainId: b.chainId, decision: 'stop', idempotencyKey: 'owner-stops-b' }, ownerHeaders)).status).toBe(200)
  })

  it("serves the invited project's images and not another project's (404, as for an unknown id); the owner gets both", async () => {
    expect((await http(server.port, `/img/${a.images[0]}`, { headers: { cookie: headers.cookie } })).status).toBe(200)
    expect((await http(server.port, `/img/${b.images[0]}`, { headers: { cookie: headers.cookie } })).status).toBe(404)
    expect((await http(server.port, `/img/${b.images[0]}`, { headers: { cookie: ownerHeaders.cookie } })).status).toBe(200)
  })

  it('refuses an invite that names no project or a missing one', () => {
    const team = createTeamService(ws)
    const bob = team.createAnnotator('bob')
    expect(() => team.invite(bob.id, 1, [])).toThrow(/at least one project/)
    expect(() => team.invite(bob.id, 1, [9999])).toThrow(/project 9999 does not exist/)
  })
})
