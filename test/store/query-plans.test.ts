// The labelling hot path (next pair, progress, undo) must stay on indexes as workspaces grow.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { openTempWorkspace } from './fixtures'

describe('query plans of the labelling hot path', () => {
  let t: ReturnType<typeof openTempWorkspace>
  beforeEach(() => {
    t = openTempWorkspace()
  })
  afterEach(() => t.dispose())

  const plan = (sql: string) => (t.ws.db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as Array<{ detail: string }>).map((r) => r.detail)

  it('next unjudged pair probes the live-judgement index per pair', () => {
    const details = plan(`SELECT p.id FROM set_pairs p WHERE p.project_id = 1
      AND NOT EXISTS (SELECT 1 FROM judgements j WHERE j.pair_id = p.id AND j.annotator_id = 1 AND j.criterion = 'fairness' AND j.undone_at IS NULL)
      ORDER BY p.id LIMIT 1`)
    expect(details.join('\n')).toMatch(/set_pairs_by_project/)
    expect(details.join('\n')).toMatch(/judgements_live \(annotator_id=\? AND criterion=\? AND pair_id=\?\)/)
    expect(details.join('\n')).not.toMatch(/SCAN/)
  })

  it('images of a prompt and progress counts avoid full scans', () => {
    expect(plan('SELECT * FROM images WHERE project_id = 1 AND prompt_id = 2 ORDER BY id LIMIT 10').join('\n')).toMatch(/images_by_prompt/)
    const progress = plan(`SELECT count(*) FROM judgements j JOIN set_pairs p ON p.id = j.pair_id
      WHERE j.annotator_id = 1 AND p.project_id = 1 AND j.criterion = 'fairness' AND j.undone_at IS NULL`)
    expect(progress.join('\n')).not.toMatch(/SCAN/)
  })
})
