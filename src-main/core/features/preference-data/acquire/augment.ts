// Prompt augmentation (paper §4.1, docs/methods/popalign.md §Acquisition, step 2): every identity-neutral prompt becomes one
// identity-specific prompt per class combination of the project's taxonomy and per template. Templates
// are editable; placeholders are {<axis name>} or {A}, {B}, ... (axes in project order), and one of:
//   {prompt}        the whole neutral prompt;
//   {concept}       the neutral prompt without the template's own lead-in, so "a photo of a {A} {B}
//                   {concept}" turns "a photo of a doctor" into "a photo of a round teal doctor";
//   {lead} {rest}   the neutral prompt split after its own lead-in (framing words ending in an article:
//                   "a picture of a" | "nurse"), so "{lead} {A} {B} {rest}" fits any phrasing. The default.
// Matching is by whole words, never substrings ("male" is not in "female").

export interface TaxonomyAxis {
  name: string
  classes: readonly string[]
}

export interface SpecificPrompt {
  text: string
  /** axis -> class the prompt asks for. */
  combo: Record<string, string>
  template: string
}

export class AugmentError extends Error {}

const PLACEHOLDER = /\{([^{}]*)\}/g

export function words(text: string): string[] {
  return text
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length > 0)
}

/** True when `phrase` occurs in `text` as whole words ("latino hispanic" in "a latino hispanic chef"). */
export function hasWholeWords(text: string, phrase: string): boolean {
  const t = words(text)
  const p = words(phrase)
  if (p.length === 0) return false
  for (let i = 0; i + p.length <= t.length; i++) if (p.every((w, j) => t[i + j] === w)) return true
  return false
}

/** Every combination of one class per axis, first axis slowest. */
export function classCombinations(axes: readonly TaxonomyAxis[]): Record<string, string>[] {
  let out: Record<string, string>[] = [{}]
  for (const axis of axes) out = out.flatMap((c) => axis.classes.map((cls) => ({ ...c, [axis.name]: cls })))
  return out
}

/** "{lead} {silhouette} {tone} {rest}" for the project's axes: classes go before the subject. */
export function defaultTemplate(axes: readonly TaxonomyAxis[]): string {
  return `{lead} ${axes.map((a) => `{${a.name}}`).join(' ')} {rest}`
}

// Framing groups ("a photo of", "a person working as", "portrait of") then the subject's article.
const LEAD_IN = /^(?:(?:(?:a|an|the)\s+)?(?:[\p{L}\p{N}-]+\s+){1,2}?(?:of|as)\s+)*(?:a|an|the)\s+/iu

/**
 * Splits a neutral prompt after its lead-in: "a picture of a nurse" -> ["a picture of a", "nurse"],
 * "a person working as a doctor at work" -> ["a person working as a", "doctor at work"],
 * "doctor" -> ["", "doctor"].
 */
export function splitLead(neutral: string): { lead: string; rest: string } {
  const text = neutral.trim().replace(/\s+/g, ' ')
  const m = LEAD_IN.exec(text)
  if (!m || m[0].length >= text.length) return { lead: '', rest: text }
  return { lead: m[0].trim(), rest: text.slice(m[0].length) }
}

function axisOfPlaceholder(name: string, axes: readonly TaxonomyAxis[]): TaxonomyAxis | null {
  if (/^[A-Z]$/.test(name)) return axes[name.charCodeAt(0) - 65] ?? null
  return axes.find((a) => a.name === name) ?? null
}

/** Throws an AugmentError naming the problem: unknown placeholder, an axis left out, no prompt slot. */
export function validateTemplate(template: string, axes: readonly TaxonomyAxis[]): void {
  const names = [...template.matchAll(PLACEHOLDER)].map((m) => m[1])
  const seen = new Set<string>()
  let slot = 0
  for (const name of names) {
    if (name === 'prompt' || name === 'concept' || name === 'rest') {
      slot++
      continue
    }
    if (name === 'lead') {
      if (!names.includes('rest')) throw new AugmentError(`template "${template}": {lead} needs {rest} after it`)
      continue
    }
    const axis = axisOfPlaceholder(name, axes)
    if (!axis) throw new AugmentError(`template "${template}": unknown placeholder {${name}} (axes: ${axes.map((a) => a.name).join(', ')}; or {prompt}, {concept})`)
    if (seen.has(axis.name)) throw new AugmentError(`template "${template}": axis "${axis.name}" appears twice`)
    seen.add(axis.name)
  }
  if (names.includes('rest') && !names.includes('lead')) throw new AugmentError(`template "${template}": {rest} needs {lead} before it`)
  if (names.includes('lead') && names.indexOf('lead') > names.indexOf('rest')) throw new AugmentError(`template "${template}": {lead} must come before {rest}`)
  if (slot !== 1) throw new AugmentError(`template "${template}" must contain exactly one {prompt}, {concept} or {lead} ... {rest}`)
  for (const axis of axes) if (!seen.has(axis.name)) throw new AugmentError(`template "${template}" has no placeholder for axis "${axis.name}", so its prompts would not be identity-specific`)
}

/** The neutral prompt without the template's lead-in (the literal text before its first placeholder). */
function conceptOf(neutral: string, template: string): string {
  const lead = template.slice(0, template.indexOf('{')).trim().toLowerCase()
  if (lead === '') return neutral.trim()
  const variants = [lead, lead.replace(/\ba$/, 'an')]
  const text = neutral.trim()
  for (const v of variants) {
    if (text.toLowerCase().startsWith(v + ' ')) return text.slice(v.length + 1).trim()
  }
  return text
}

/** Fills a template for one combination; "a" becomes "an" before a vowel, as in the world's prompts. */
export function fillTemplate(template: string, neutral: string, combo: Record<string, string>, axes: readonly TaxonomyAxis[]): string {
  const { lead, rest } = splitLead(neutral)
  const filled = template.replace(PLACEHOLDER, (_m, name: string) => {
    if (name === 'prompt') return neutral.trim()
    if (name === 'concept') return conceptOf(neutral, template)
    // The lead's article now stands before a class word: "an astronaut" -> "a round ... astronaut".
    if (name === 'lead') return lead.replace(/\b([Aa])n$/, '$1')
    if (name === 'rest') return rest
    return combo[axisOfPlaceholder(name, axes)!.name]
  })
  return filled
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/\b([Aa]) (?=[aeiouAEIOU])/g, '$1n ')
}

/**
 * Every identity-specific prompt of one neutral prompt: one per class combination and template, each
 * checked to name its classes as whole words. A neutral prompt that already names a class is refused.
 */
export function augmentPrompt(neutral: string, axes: readonly TaxonomyAxis[], templates: readonly string[]): SpecificPrompt[] {
  if (axes.length === 0) throw new AugmentError('the project has no taxonomy axes; define them (axes.save) before acquiring preferences')
  if (templates.length === 0) throw new AugmentError('at least one template is needed')
  for (const axis of axes) {
    for (const cls of axis.classes) {
      if (hasWholeWords(neutral, cls)) throw new AugmentError(`neutral prompt "${neutral}" names class "${cls}" of axis "${axis.name}"; it is not identity-neutral`)
    }
  }
  for (const t of templates) validateTemplate(t, axes)
  const out: SpecificPrompt[] = []
  for (const template of templates) {
    for (const combo of classCombinations(axes)) {
      const text = fillTemplate(template, neutral, combo, axes)
      for (const axis of axes) {
        if (!hasWholeWords(text, combo[axis.name])) throw new AugmentError(`prompt "${text}" does not name class "${combo[axis.name]}" as whole words`)
        const other = axis.classes.find((c) => c !== combo[axis.name] && hasWholeWords(text, c))
        if (other) throw new AugmentError(`prompt "${text}" names both "${combo[axis.name]}" and "${other}" of axis "${axis.name}"`)
      }
      out.push({ text, combo, template })
    }
  }
  return out
}
