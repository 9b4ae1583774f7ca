// The models a new report compares are sent with the words their check boxes show, so the report's
// title and lineage name a fine-tune as every picker does ("Run 1 · PopAlign · step 20"), not by the
// catalogue's shorter label the server falls back to ("Run 1 · step 20"). Each source must still pass
// the report.start contract, whose labels are at most 200 characters.
import { describe, expect, it } from 'vitest'
import { ReportSource, type ModelEntry } from '@shared/contract'
import { modelChoiceLabels } from '../../src-renderer/src/lib/names'
import { REPORT_LABEL_MAX, reportModelSources } from '../../src-renderer/src/lib/report-sources'

const run = (over: Partial<ModelEntry>): ModelEntry => ({
  id: 'run:7@20',
  label: 'Run 1 · step 20',
  source: 'run',
  jobId: 7,
  projectId: 1,
  method: 'popalign',
  step: 20,
  totalSteps: 20,
  arch: { imageSize: 16, patch: 4, width: 96, depth: 4, heads: 4 },
  weighting: 'constant',
  schedule: 'cosine',
  seed: 0,
  path: '/models/run-7-20',
  ...over
})

describe('the models a new report compares', () => {
  it("carries each model's picker name, so the server saves those words rather than the catalogue label", () => {
    const base = run({ id: 'base', label: 'Base model (built in)', source: 'builtin', jobId: null, projectId: null, method: null, path: '/resources/base' })
    const names = modelChoiceLabels([run({}), base])
    const sources = reportModelSources(['run:7@20', 'base'], names)
    expect(sources).toEqual([
      { kind: 'model', model: 'run:7@20', label: 'Run 1 · PopAlign · step 20' },
      { kind: 'model', model: 'base', label: 'Base model (built in)' }
    ])
    for (const s of sources) expect(ReportSource.parse(s)).toEqual(s)
  })

  it('leaves a model the list no longer names to the server, and shortens a name past the contract limit', () => {
    expect(reportModelSources(['run:9@5'], new Map())).toEqual([{ kind: 'model', model: 'run:9@5' }])
    const long = `${'Fairer doctors, second try '.repeat(8).trim()} · step 20`
    expect(long.length).toBeGreaterThan(REPORT_LABEL_MAX)
    const [s] = reportModelSources(['run:7@20'], modelChoiceLabels([run({ label: long })]))
    expect(s.label!.length).toBeLessThanOrEqual(REPORT_LABEL_MAX)
    expect(s.label).toMatch(/^Fairer doctors, second try .*…$/)
    // Sent unshortened, report.start would refuse the whole report.
    expect(ReportSource.safeParse({ ...s, label: modelChoiceLabels([run({ label: long })]).get('run:7@20') }).success).toBe(false)
    expect(ReportSource.parse(s)).toEqual(s)
  })
})
