// Migration 0006: the acquisition tables, their constraints, and that it applies on top of 0005.
import { describe, expect, it } from 'vitest'
import { columns, dbAtVersion, tableNames } from './helpers'

describe('migration 0006 (acquire)', () => {
  it('adds the plan, images, drop ledger and pairs tables', () => {
    const db = dbAtVersion(6)
    expect(db.pragma('user_version', { simple: true })).toBe(6)
    for (const t of ['acquire_plan', 'acquire_images', 'acquire_drops', 'acquire_pairs']) expect(tableNames(db)).toContain(t)
    expect(columns(db, 'acquire_drops')).toEqual(['id', 'job_id', 'stage', 'image_id', 'prompt_id', 'reason', 'detail', 'created_at'])
  })

  it('enforces pools, gate states and drop stages', () => {
    const db = dbAtVersion(6)
    db.exec(`INSERT INTO projects (name) VALUES ('p'); INSERT INTO prompts (project_id, text, kind) VALUES (1, 'a doctor', 'neutral');
             INSERT INTO jobs (project_id, kind) VALUES (1, 'acquire')`)
    const plan = db.prepare('INSERT INTO acquire_plan (job_id, ord, prompt_id, neutral_prompt_id, pool, combo, images) VALUES (1, ?, 1, 1, ?, ?, 3)')
    plan.run(0, 'neutral', null)
    expect(() => plan.run(1, 'neutral', '{"tone":"teal"}')).toThrow(/CHECK/)
    expect(() => plan.run(2, 'augmented', null)).toThrow(/CHECK/)
    expect(() => plan.run(3, 'other', null)).toThrow(/CHECK/)
    const drop = db.prepare("INSERT INTO acquire_drops (job_id, stage, reason) VALUES (1, ?, 'no_detection')")
    drop.run('gate')
    expect(() => drop.run('later')).toThrow(/CHECK/)
    // Deleting the job removes its acquisition rows.
    db.exec('DELETE FROM jobs WHERE id = 1')
    expect(db.prepare('SELECT count(*) AS n FROM acquire_plan').get()).toEqual({ n: 0 })
  })
})
