// The table as text: Markdown for docs and the terminal, in the layout of the paper's Tables 1 and 2,
// with every interval, the target check, the stage timings and the settings that produced it.
import { seedRole } from './options'
import type { FinetuneOutput } from './preference-stages'
import type { Table1Result } from './result'
import type { Value } from './table'

function num(v: number | null, digits = 3): string {
  return v === null || !Number.isFinite(v) ? '–' : v.toFixed(digits)
}

function withCi(v: Value, digits = 3, scale = 1): string {
  if (v.value === null) return '–'
  const ci = v.ciLow !== null && v.ciHigh !== null ? ` [${(scale * v.ciLow).toFixed(digits)}, ${(scale * v.ciHigh).toFixed(digits)}]` : ''
  return `${(scale * v.value).toFixed(digits)}${ci}`
}

/** "no rollback, checkpoint step 300" / "2 rollbacks (lr now 1.25e-5), stopped at step 183, evaluated at step 100". */
export function guardText(run: FinetuneOutput, steps: number): string {
  const g = run.guard
  if (!g) return 'not recorded'
  const parts = [g.rollbacks === 0 ? 'no rollback' : `${g.rollbacks} rollback${g.rollbacks === 1 ? '' : 's'} (lr now ${g.learningRate})`]
  if (g.stoppedAtStep !== null) parts.push(`stopped at step ${g.stoppedAtStep}`)
  parts.push(
    g.checkpointStep === steps
      ? `checkpoint step ${g.checkpointStep}`
      : g.checkpointStep === 0
        ? `no checkpoint after step 0: the base model is evaluated in its place`
        : `evaluated at step ${g.checkpointStep} of ${steps}`
  )
  return parts.join(', ')
}

export function renderMarkdown(r: Table1Result): string {
  const axes = Object.keys(r.rows[0]?.discrepancy ?? {})
  const lines: string[] = []
  lines.push(`### Table 1 (held-out identity-neutral prompts: ${r.prompts.heldOutNeutral.length} prompts x ${r.settings.evaluation.neutralPerPrompt} images per model)`, '')
  lines.push(
    `| Model | ${axes.map((a) => `${a} disc. (pooled) [95% CI]`).join(' | ')} | ${axes.map((a) => `${a} disc. (mean per prompt)`).join(' | ')} | Concept acc. % [95% CI] | Fidelity gap, pixels [95% CI] | Fidelity gap, features [95% CI] | Attributes read % [95% CI] | Frechet vs fair renders [95% CI] (secondary) | Frechet vs pretraining renders |`
  )
  lines.push(`|---|${axes.map(() => '---|').join('')}${axes.map(() => '---|').join('')}---|---|---|---|---|---|`)
  for (const row of r.rows) {
    lines.push(
      `| ${row.label} | ${axes.map((a) => withCi(row.discrepancy[a])).join(' | ')} | ${axes.map((a) => num(row.meanPromptDiscrepancy[a])).join(' | ')} | ${withCi(row.conceptAccuracy, 1, 100)} | ${withCi(row.fidelity, 2)} | ${withCi(row.featureFidelity, 2)} | ${withCi(row.coverage, 1, 100)} | ${withCi(row.frechet, 2)} | ${num(row.frechetPretraining, 2)} |`
    )
  }
  lines.push('', `### Table 2 (identity-specific prompts: ${r.prompts.specific.length} prompts x ${r.settings.evaluation.specificPerPrompt} images per model; recall %, whole-word matching)`, '')
  lines.push(`| Model | ${axes.map((a) => `${a} recall`).join(' | ')} | Overall | Concept acc. % | Fidelity gap, pixels | Frechet vs renders |`)
  lines.push(`|---|${axes.map(() => '---|').join('')}---|---|---|---|`)
  for (const row of r.rows) {
    lines.push(
      `| ${row.label} | ${axes.map((a) => withCi(row.recall[a], 1, 100)).join(' | ')} | ${withCi(row.recall.overall, 1, 100)} | ${withCi(row.specificConceptAccuracy, 1, 100)} | ${withCi(row.fidelitySpecific, 2)} | ${withCi(row.frechetSpecific, 2)} |`
    )
  }
  lines.push('', '### Targets (PopAlign vs base)', '', '| Target | Measured | Wanted | Met |', '|---|---|---|---|')
  for (const t of r.targets) lines.push(`| ${t.name} | ${t.measured} | ${t.target} | ${t.met === null ? '–' : t.met ? 'yes' : 'no'} |`)
  lines.push(
    '',
    "Fidelity gap: 100 x MMD² of each image against a clean render of its prompt's concept with the attributes the classifier read on it (0 = as good as the renders; lower is better); it sees noise, blur and colour casts and not the attribute mix. Frechet vs fair renders is secondary: a fairer mix lowers it by itself."
  )
  lines.push('', '### Stages', '', '| Stage | Seconds |', '|---|---|')
  for (const s of r.timings) lines.push(`| ${s.stage} | ${s.seconds.toFixed(1)} |`)
  lines.push(`| total | ${r.timings.reduce((a, s) => a + s.seconds, 0).toFixed(1)} |`)
  const a = r.acquisition
  const f = r.settings.finetune
  lines.push(
    '',
    '### Run',
    '',
    `- Base checkpoint: \`${r.base.path}\` (sha256 ${r.base.sha256.slice(0, 12)}…); seed ${r.settings.seed} (${seedRole(r.settings.seed)} seed)${r.settings.quick ? '; **--quick** (smoke-test counts, not a result)' : ''}.`,
    `- Acquisition: ${r.prompts.train.length} training prompts (${r.settings.trainTemplates.map((t) => `"${t}"`).join(', ')}), N = ${r.settings.acquire.nPerNeutral} per neutral prompt, M = ${r.settings.acquire.mPerSpecific} per identity-specific prompt, k = ${r.settings.acquire.k}; ${a.pairs} set pairs (${a.swapped} swapped by the diversity check), kept ${a.kept.neutral} neutral + ${a.kept.augmented} augmented images; drops ${JSON.stringify(a.drops)}.`,
    `- Snapshot ${r.snapshot.snapshotId} (sha256 ${r.snapshot.contentSha256.slice(0, 12)}…).`,
    `- Fine-tune (both methods, same seed): ${f.steps} steps, batch ${f.batchSize}, lr ${f.learningRate}, caption dropout ${f.condDropout}, loss weighting ${f.weighting}; PopAlign beta ${f.beta}, alpha ${f.alpha}. Final PopAlign loss ${num(r.runs.popalign.final.loss, 4)}, implicit accuracy ${num(r.runs.popalign.final.implicitAccuracy, 3)}; SFT loss ${num(r.runs.sft.final.loss, 4)}.`,
    `- Divergence guard of the studio's fine-tunes: ${guardText(r.runs.popalign, f.steps)} (PopAlign); ${guardText(r.runs.sft, f.steps)} (SFT).`,
    `- Held-out prompts (${r.settings.heldOutTemplates.map((t) => `"${t}"`).join(', ')}): ${r.prompts.heldOutNeutral.join('; ')}.`,
    `- Sampling: ${r.settings.sampling.sampler} ${r.settings.sampling.steps} steps, guidance ${r.settings.sampling.guidance}, the same seeds for every model. Bootstrap: ${r.settings.evaluation.resamples} resamples (Frechet ${r.settings.evaluation.frechetResamples}), prompts then images.`
  )
  return lines.join('\n') + '\n'
}
