// Issue 11, finding 9: a workspace database damaged while the studio runs (pages overwritten, or the
// file cut short) puts the studio in one "workspace damaged" state, seen through real serve mode over
// the real studio: every call answers 503 workspace_damaged naming the problem and the backup (not a
// different failure per screen), the page still gets its session, annotators are told to ask the
// owner, and the owner's workspace.restore brings back the decisions of the last backup, with the
// damaged files kept aside.
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Result } from '@shared/contract'
import { takeBackup } from '../../src-main/core/store/daily-backup'
import { startServeMode, type ServeHandle } from '../../src-main/core/serve/server'
import { DAMAGED_FOR_OTHERS, openStudio, type Studio } from '../../src-main/core/studio'
import { createTeamService } from '../../src-main/core/features/team/team-service'
import { damageOpenWorkspace, type Damage } from '../store/damage-file'
import { addImages } from '../store/fixtures'
import { tempDir } from '../store/helpers'
import { http, sessionHeaders } from './helpers'
import { testConfig } from '../helpers/config'

describe('a workspace damaged at runtime (issue 11, finding 9)', () => {
  let tmp: ReturnType<typeof tempDir>
  let studio: Studio
  let server: ServeHandle
  let owner: Record<string, string>
  let annotator: Record<string, string>
  let projectId: number
  let pairIds: number[]

  beforeEach(async () => {
    tmp = tempDir('ws-damaged-')
    studio = await openStudio({ workspaceDir: join(tmp.dir, 'ws'), config: testConfig(), log: () => {} })
    const ws = studio.workspace
    projectId = ws.projects.create('P', '').id
    const promptId = ws.prompts.ensure({ projectId, text: 'a doctor' }).id
    const images = addImages(ws, projectId, promptId, 8, join(tmp.dir, 'images'))
    for (let i = 0; i < 4; i++) ws.sets.create(projectId, promptId, 'manual', images.slice(2 * i, 2 * i + 2))
    ws.pairs.createAllMissing(projectId)
    pairIds = ws.pairs.list(projectId).map((p) => p.id)
    const renderer = join(tmp.dir, 'renderer')
    mkdirSync(renderer)
    writeFileSync(join(renderer, 'index.html'), '<!doctype html><title>studio</title>')
    server = await startServeMode({
      handlers: studio.handlers,
      imageFile: studio.imageFile,
      imageAllowed: studio.imageAllowed,
      verifyToken: studio.verifyToken,
      redeemInvite: studio.redeemInvite,
      rendererDir: renderer,
      log: () => {}
    })
    owner = await sessionFrom(`/?token=${studio.ownerToken}`)
    const team = createTeamService(ws)
    annotator = await sessionFrom(team.invite(team.createAnnotator('alice').id, 1, [projectId]).path)
  })
  afterEach(async () => {
    await server.close()
    await studio.close()
    tmp.cleanup()
  })

  const sessionFrom = (path: string) => sessionHeaders(server.port, path)
  async function api(method: string, body: unknown, as = owner): Promise<{ status: number; result: Result<unknown> }> {
    const res = await http(server.port, `/api/${method}`, { method: 'POST', headers: as, body: JSON.stringify(body) })
    return { status: res.status, result: res.json<Result<unknown>>() }
  }
  async function judge(pairId: number): Promise<void> {
    const r = await api('label.judge', { pairId, criterion: 'fairness', choice: 'a', shownLeft: 'a', responseMs: 900, idempotencyKey: `judgement-${pairId}-${Date.now()}` })
    expect(r, JSON.stringify(r.result)).toMatchObject({ status: 200 })
  }
  const decisions = (): number => studio.workspace.db.prepare('SELECT count(*) FROM judgements').pluck().get() as number

  it.each<Damage>(['pages', 'truncate'])('damage by %s: one clear damaged state, then the owner restores the last backup', async (how) => {
    await judge(pairIds[0])
    await judge(pairIds[1])
    const backup = await takeBackup(studio.workspace.db, studio.workspace.file, { now: new Date(Date.now() + 60_000) })
    await judge(pairIds[2]) // after the backup: lost with the damage, as the panel says
    expect(decisions()).toBe(3)

    damageOpenWorkspace(studio.workspace, how)
    const calls: Array<[string, unknown]> = [
      ['projects.list', {}],
      ['label.progress', { projectId }],
      ['label.next', { projectId }],
      ['jobs.list', {}],
      ['session.whoami', {}]
    ]
    for (const [method, body] of calls) {
      const { status, result } = await api(method, body)
      expect({ method, status }).toEqual({ method, status: 503 })
      expect(result.ok).toBe(false)
      if (result.ok) continue
      expect(result.error.code).toBe('workspace_damaged')
      expect(result.error.message).toMatch(
        /^the workspace database .*workspace\.db is damaged \(SQLite: (database disk image is malformed|file is not a database)\); restore it from the automatic backup .*backups\/workspace-\d{8}T\d{9}Z\.db/
      )
      expect(result.error.message).toContain(backup.file)
    }
    // The page still gets its session (and CSRF token), so it can show the panel.
    expect((await http(server.port, '/api/session', { headers: { cookie: owner.cookie } })).status).toBe(200)
    const health = await api('workspace.health', {})
    expect(health.result).toMatchObject({ ok: true, value: { damaged: true, canRestore: true, backups: [{ file: backup.file, kind: 'daily' }, expect.anything()] } })
    // An annotator is told what is wrong and cannot restore.
    // (Their token cannot be checked without the database; only the owner's, kept in its own file, can.)
    const theirs = await api('workspace.health', {}, annotator)
    expect(theirs).toMatchObject({ status: 503, result: { ok: false, error: { code: 'workspace_damaged', message: DAMAGED_FOR_OTHERS } } })
    // Nor does a stranger with a made-up token learn where the workspace is.
    const stranger = await http(server.port, '/api/projects.list', { method: 'POST', headers: { authorization: `Bearer ${'x'.repeat(43)}`, 'content-type': 'application/json' }, body: '{}' })
    expect(stranger.status).toBe(503)
    expect(stranger.text).not.toContain(tmp.dir)
    expect((await api('workspace.restore', {}, annotator)).status).toBe(503)
    // Images are refused the same way, not served from a damaged row.
    expect((await http(server.port, '/img/1?variant=thumb', { headers: { cookie: owner.cookie } })).status).toBe(503)

    const restored = await api('workspace.restore', { backup: 'latest' })
    expect(restored).toMatchObject({ status: 200, result: { ok: true, value: { restoredFrom: backup.file } } })
    const aside = (restored.result as { value: { keptAsideIn: string } }).value.keptAsideIn
    expect(readdirSync(aside)).toContain('workspace.db')
    expect(decisions()).toBe(2)
    const listed = await api('projects.list', {})
    expect(listed).toMatchObject({ status: 200, result: { ok: true, value: [{ id: projectId, name: 'P' }] } })
    expect((await api('workspace.health', {})).result).toMatchObject({ ok: true, value: { damaged: false } })
    // The restored workspace takes decisions again.
    await judge(pairIds[2])
    expect(decisions()).toBe(3)
  })

  it('refuses a restore while the workspace is sound, and takes a backup on request (owner only)', async () => {
    const r = await api('workspace.restore', {})
    expect(r).toMatchObject({ status: 409, result: { ok: false, error: { message: expect.stringMatching(/not damaged/) } } })
    await judge(pairIds[0])
    const taken = await api('workspace.backup', {})
    expect(taken).toMatchObject({ status: 200, result: { ok: true, value: { kind: 'daily' } } })
    const file = (taken.result as { value: { file: string } }).value.file
    expect((await api('workspace.health', {})).result).toMatchObject({ ok: true, value: { damaged: false, backups: expect.arrayContaining([expect.objectContaining({ file })]) } })
    expect((await api('workspace.backup', {}, annotator)).status).toBe(403)
  })
})
