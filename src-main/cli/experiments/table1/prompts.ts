// The experiment's prompt sets. Training prompts (acquisition) and held-out prompts (evaluation) are
// made from disjoint templates, as the paper trains on "<Occupation> - <activity>, <place>" and
// evaluates on "a realistic photo of {Occupation}": the fine-tuned model must generalise from the
// phrasings it was aligned on. Every word must be in the world vocabulary, or the bag-of-words
// encoder would silently drop it and two "different" prompts could encode the same.
import { SILHOUETTES, TONES, isConcept, tokenisePrompt } from '../../../core/world'
import type { Table1Settings } from './options'

export interface Table1Prompts {
  train: string[]
  heldOutNeutral: string[]
  specific: string[]
}

function fill(template: string, words: string): string {
  if (!template.includes('{}')) throw new Error(`template "${template}" has no {} for the concept`)
  // "a" becomes "an" before a vowel, as the world's own prompts do ("an astronaut", "an amber chef").
  return template.replace('{}', words).replace(/\ba (?=[aeiou])/g, 'an ')
}

function checkWords(prompt: string): void {
  const { unknown } = tokenisePrompt(prompt)
  if (unknown.length > 0) throw new Error(`prompt "${prompt}" has words the model does not know (${unknown.join(', ')}); use world vocabulary words only`)
}

export function buildPrompts(s: Table1Settings): Table1Prompts {
  for (const c of [...s.trainConcepts, ...s.evalConcepts]) if (!isConcept(c)) throw new Error(`unknown concept "${c}"`)
  const shared = s.heldOutTemplates.filter((t) => s.trainTemplates.includes(t))
  if (shared.length > 0) throw new Error(`held-out template(s) ${shared.map((t) => `"${t}"`).join(', ')} are also training templates`)
  const train = s.trainTemplates.flatMap((t) => s.trainConcepts.map((c) => fill(t, c)))
  const heldOutNeutral = s.heldOutTemplates.flatMap((t) => s.evalConcepts.map((c) => fill(t, c)))
  // Recall prompts in the first held-out phrasing: every concept x silhouette x tone (paper Table 2).
  const specific: string[] = []
  for (const c of s.evalConcepts) for (const sil of SILHOUETTES) for (const tone of TONES) specific.push(fill(s.heldOutTemplates[0], `${sil} ${tone} ${c}`))
  for (const p of [...train, ...heldOutNeutral, ...specific]) checkWords(p)
  const trainSet = new Set(train)
  const leaked = heldOutNeutral.filter((p) => trainSet.has(p))
  if (leaked.length > 0) throw new Error(`held-out prompt(s) are also training prompts: ${leaked.join('; ')}`)
  if (new Set(heldOutNeutral).size !== heldOutNeutral.length) throw new Error('a held-out prompt is listed twice')
  return { train, heldOutNeutral, specific }
}
