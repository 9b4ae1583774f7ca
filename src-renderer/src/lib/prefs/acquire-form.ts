// The acquisition form's text fields turned into an acquire.start request, and the job's progress
// message turned into a step. Pure, so it is unit-tested; the server validates everything again.
import type { Input, Output } from '@shared/contract'

export type AcquireInput = Input<'acquire.start'>
export type AcquireLedger = Output<'acquire.ledger'>

/** One entry per non-empty line, trimmed. */
export function lines(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l.length > 0)
}

export interface AcquireFormValues {
  neutralPrompts: string[]
  model: string
  /** Blank means "the studio's default". */
  nPerNeutral: string
  mPerSpecific: string
  k: string
  pairsPerPrompt: string
  seed: string
  templates: string
}

function int(label: string, text: string, min: number, max: number): number | string {
  const t = text.trim()
  if (!/^\d+$/.test(t)) return `${label} must be a whole number`
  const n = Number(t)
  if (n < min || n > max) return `${label} must be between ${min} and ${max}`
  return n
}

export function toAcquireInput(projectId: number, f: AcquireFormValues): { ok: true; input: AcquireInput } | { ok: false; error: string } {
  const prompts = [...new Set(f.neutralPrompts.map((p) => p.trim()).filter(Boolean))]
  if (prompts.length === 0) return { ok: false, error: 'Choose or type at least one identity-neutral prompt.' }
  if (!f.model) return { ok: false, error: 'Choose the model to sample from.' }
  const fields: Array<[keyof AcquireInput, string, string, number, number, boolean]> = [
    ['nPerNeutral', 'Images per neutral prompt', f.nPerNeutral, 1, 1000, true],
    ['mPerSpecific', 'Images per specific prompt', f.mPerSpecific, 1, 1000, true],
    ['k', 'Images per set', f.k, 1, 64, false],
    ['pairsPerPrompt', 'Pairs per prompt', f.pairsPerPrompt, 1, 10_000, false],
    ['seed', 'Seed', f.seed, 0, 2 ** 32 - 1, false]
  ]
  const input: AcquireInput = { projectId, neutralPrompts: prompts, model: f.model }
  for (const [key, label, text, min, max, optional] of fields) {
    if (optional && text.trim() === '') continue
    const n = int(label, text, min, max)
    if (typeof n === 'string') return { ok: false, error: `${n}.` }
    ;(input as Record<string, unknown>)[key] = n
  }
  const templates = lines(f.templates)
  if (templates.length > 20) return { ok: false, error: 'At most 20 templates.' }
  if (templates.length > 0) input.templates = templates
  return { ok: true, input }
}

export const ACQUIRE_STEPS = [
  { key: 'plan', label: 'Plan prompts' },
  { key: 'sample', label: 'Sample' },
  { key: 'classify', label: 'Classify' },
  { key: 'gate', label: 'Gate' },
  { key: 'pairs', label: 'Build pairs' }
] as const
export type AcquireStep = (typeof ACQUIRE_STEPS)[number]['key']

/** The step a running acquisition is in, read from its progress message (core acquire/progress-words.ts words them; older jobs said "step sample"); null when it cannot tell. */
export function stepOf(message: string): AcquireStep | null {
  const m = message.toLowerCase()
  const named = /^step (plan|sample|classify|gate|pairs)\b/.exec(m)
  if (named) return named[1] as AcquireStep
  if (m.startsWith('sampled') || m.startsWith('sampling')) return 'sample'
  if (m.startsWith('classif')) return 'classify'
  if (m.startsWith('gat')) return 'gate'
  if (m.includes('pairs')) return 'pairs'
  if (m.startsWith('acquiring') || m.startsWith('planning') || m.startsWith('queued')) return 'plan'
  return null
}

export interface DropGroup {
  reason: string
  stages: AcquireLedger['drops'][number]['stage'][]
  count: number
  /** Images behind the reason (drops of whole prompts have none). */
  imageIds: number[]
  /** Distinct details, for drops without an image (e.g. a pool too small for a set). */
  details: string[]
}

/** Drops grouped by reason, most frequent first; nothing is left out. */
export function groupDrops(drops: AcquireLedger['drops']): DropGroup[] {
  const groups = new Map<string, DropGroup>()
  for (const d of drops) {
    let g = groups.get(d.reason)
    if (!g) groups.set(d.reason, (g = { reason: d.reason, stages: [], count: 0, imageIds: [], details: [] }))
    g.count++
    if (!g.stages.includes(d.stage)) g.stages.push(d.stage)
    if (d.imageId !== null) g.imageIds.push(d.imageId)
    else {
      const detail = d.prompt ? `${d.prompt}: ${d.detail}` : d.detail
      if (!g.details.includes(detail)) g.details.push(detail)
    }
  }
  return [...groups.values()].sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason))
}

const STAGE_WORDS: Record<DropGroup['stages'][number], string> = { sample: 'while sampling', gate: 'at the gate', pairs: 'while pairing' }

/** Where drops happened, in words: "at the gate", "while sampling and at the gate". */
export function stagesLabel(stages: readonly DropGroup['stages'][number][]): string {
  const words = stages.map((s) => STAGE_WORDS[s] ?? s)
  return words.length <= 1 ? (words[0] ?? '') : `${words.slice(0, -1).join(', ')} and ${words.at(-1)}`
}

/** "no_detection" -> "no detection". */
export function reasonLabel(reason: string): string {
  return reason.replace(/_/g, ' ')
}
