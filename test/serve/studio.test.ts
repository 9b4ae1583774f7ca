// The composition root both transports start from: a real workspace folder, real handlers.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import type { Job } from '@shared/contract'
import { OWNER_TOKEN_FILE, openStudio } from '../../src-main/core/studio'
import { testConfig } from '../helpers/config'

const dir = mkdtempSync(join(tmpdir(), 'studio-test-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('openStudio', () => {
  it('creates the workspace, an owner token (file mode 0600) that verifies as owner, and keeps it across opens', async () => {
    const ws = join(dir, 'a')
    const first = await openStudio({ workspaceDir: ws, config: testConfig() })
    const owner = await first.verifyToken(first.ownerToken)
    expect(owner).toMatchObject({ scope: 'owner' })
    expect(await first.verifyToken('x'.repeat(43))).toBeNull()
    expect(statSync(join(ws, OWNER_TOKEN_FILE)).mode & 0o777).toBe(0o600)
    expect(statSync(ws).mode & 0o077).toBe(0)
    await first.close()
    await first.close() // idempotent

    const second = await openStudio({ workspaceDir: ws, config: testConfig() })
    expect(second.ownerToken).toBe(first.ownerToken)
    // A revoked owner token is replaced on the next open.
    expect(second.workspace.tokens.revoke(second.ownerToken)).toBe(true)
    await second.close()
    const third = await openStudio({ workspaceDir: ws, config: testConfig() })
    expect(third.ownerToken).not.toBe(first.ownerToken)
    expect(readFileSync(join(ws, OWNER_TOKEN_FILE), 'utf8').trim()).toBe(third.ownerToken)
    expect(await third.verifyToken(first.ownerToken)).toBeNull()
    await third.close()
  })

  it('replaces a garbled owner-token file', async () => {
    const ws = join(dir, 'b')
    mkdirSync(ws)
    writeFileSync(join(ws, OWNER_TOKEN_FILE), 'not-a-token\n')
    const studio = await openStudio({ workspaceDir: ws, config: testConfig() })
    expect(studio.ownerToken).toMatch(/^[A-Za-z0-9_-]{43}$/)
    await studio.close()
  })

  it('forwards job progress events to listeners until they unsubscribe', async () => {
    const ws = join(dir, 'c')
    const studio = await openStudio({ workspaceDir: ws, config: testConfig() })
    try {
      const owner = (await studio.verifyToken(studio.ownerToken))!
      const project = await studio.handlers['projects.create']({ name: 'Events', description: '' }, owner)
      const folder = join(dir, 'empty-folder')
      mkdirSync(folder)
      const seen: Job[] = []
      const off = studio.onEvent((name, payload) => {
        if (name === 'job.progress') seen.push(payload)
      })
      const job = await studio.handlers['import.start']({ projectId: project.id, folder }, owner)
      for (let i = 0; i < 100 && !seen.some((j) => j.id === job.id && j.state !== 'running' && j.state !== 'queued'); i++) await new Promise((r) => setTimeout(r, 20))
      expect(seen.some((j) => j.id === job.id)).toBe(true)
      off()
      const count = seen.length
      await studio.handlers['import.start']({ projectId: project.id, folder }, owner)
      await new Promise((r) => setTimeout(r, 100))
      expect(seen.length).toBe(count)
    } finally {
      await studio.close()
    }
  })
})
