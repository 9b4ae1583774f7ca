// The world CLI end to end: a small folder is written, and bad flags fail with a message naming them.
import { afterAll, describe, expect, it } from 'vitest'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'

const root = resolve(__dirname, '../..')
const dir = mkdtempSync(join(tmpdir(), 'world-cli-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

function cli(...args: string[]) {
  return spawnSync(process.execPath, [resolve(root, 'node_modules/tsx/dist/cli.mjs'), resolve(root, 'src-main/cli/world.ts'), ...args], { cwd: root, encoding: 'utf8' })
}

describe('world CLI', () => {
  it('writes n images per prompt with sidecars', () => {
    const r = cli('--out', join(dir, 'out'), '--n', '3', '--concept', 'chef,astronaut', '--seed', '7')
    expect(r.stderr).toBe('')
    expect(r.status).toBe(0)
    const files = readdirSync(join(dir, 'out'))
    expect(files.filter((f) => f.endsWith('.png')).length).toBe(6)
    const prompts = new Set(files.filter((f) => f.endsWith('.json')).map((f) => JSON.parse(readFileSync(join(dir, 'out', f), 'utf8')).prompt))
    expect([...prompts].sort()).toEqual(['a photo of a chef', 'a photo of an astronaut'])
  }, 30_000)

  it('fails with a clear message on bad flags', () => {
    expect(cli('--out', dir, '--concept', 'wizard').stderr).toMatch(/unknown concept "wizard"/)
    expect(cli('--out', dir, '--n', 'many').stderr).toMatch(/--n must be an integer/)
    expect(cli('--n', '3').stderr).toMatch(/--out is required/)
    expect(cli('--out', dir, '--prompt', 'a photo of a wizard').stderr).toMatch(/names no single known concept/)
  }, 30_000)
})
