// The run record is a run's identity: written once, complete or not at all, and never read as
// "missing" when it is damaged (a resumed run would otherwise lose the check on its config).
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { readRunRecord, writeRunRecordOnce, type RunRecord } from '../../../src-main/core/features/models/run-record'

const dir = mkdtempSync(join(tmpdir(), 'run-record-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const record = (seed: number): RunRecord => ({
  jobId: 1,
  projectId: null,
  config: { seed } as never,
  seed,
  init: { model: 'scratch' },
  data: { source: 'world', options: {} },
  backend: 'wasm',
  codeVersion: 'test',
  platform: 'linux',
  createdAt: '2026-11-23T00:00:00Z'
})

describe('run record', () => {
  it('is null before the first write, then written once: a second write returns the first record', () => {
    const run = join(dir, 'a')
    rmSync(run, { recursive: true, force: true })
    mkdirSync(run)
    expect(readRunRecord(run)).toBeNull()
    expect(writeRunRecordOnce(run, record(1)).seed).toBe(1)
    expect(writeRunRecordOnce(run, record(2)).seed).toBe(1)
    expect(JSON.parse(readFileSync(join(run, 'run.json'), 'utf8')).seed).toBe(1)
    // No temp files left beside it.
    expect(readdirSync(run)).toEqual(['run.json'])
  })

  it('refuses a damaged record with a message naming the file, instead of treating it as missing', () => {
    const run = join(dir, 'b')
    mkdirSync(run)
    writeFileSync(join(run, 'run.json'), '{"jobId": 1, "con')
    expect(() => readRunRecord(run)).toThrow(/run record .*run\.json is damaged/)
    expect(() => writeRunRecordOnce(run, record(3))).toThrow(/damaged/)
    writeFileSync(join(run, 'run.json'), '[]')
    expect(() => readRunRecord(run)).toThrow(/no config or data/)
  })
})
