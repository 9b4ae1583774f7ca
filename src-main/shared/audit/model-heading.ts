// How a report names a model to a reader (issue 10, "meaning, not ids"): the label the report was made
// with, and for a checkpoint of a training run, which run and step it is ("PopAlign (Run 1 · step 10)")
// unless the label says so already. The model id ("run:1@10") stays in the lineage's "model" row, the
// CSV's model_id column and a tooltip: where an engineer looks, not in a heading.
import type { ModelReport } from './report-model'

export function modelHeading(m: Pick<ModelReport, 'label' | 'lineage'>): string {
  const t = m.lineage.training
  if (!t) return m.label
  const run = t.label ?? `run ${t.runId}`
  const which = t.checkpointStep !== null ? `${run} · step ${t.checkpointStep}` : run
  return m.label.includes(which) || namesRunAndStep(m.label, run, t.checkpointStep) ? m.label : `${m.label} (${which})`
}

/**
 * A label that begins with the run's name and has the step as one of its parts, with words between
 * ("Run 1 · PopAlign · step 20", as the Reports screen's check boxes name a fine-tune), says both already.
 */
function namesRunAndStep(label: string, run: string, step: number | null): boolean {
  return step !== null && label.startsWith(`${run} · `) && label.split(' · ').includes(`step ${step}`)
}

/** A stored UTC stamp as words for a file read anywhere: "3 December 2026, 04:24 UTC"; one that does not parse as stored. */
export function readableUtc(iso: string): string {
  const d = new Date(iso)
  if (Number.isNaN(d.getTime())) return iso
  const month = d.toLocaleString('en-GB', { month: 'long', timeZone: 'UTC' })
  const hhmm = `${String(d.getUTCHours()).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')}`
  return `${d.getUTCDate()} ${month} ${d.getUTCFullYear()}, ${hhmm} UTC`
}
