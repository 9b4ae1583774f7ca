// Prompt templates of the built-in world. Identity-neutral prompts name only the concept ("a photo of
// a doctor"); identity-specific prompts also name attribute classes ("a photo of a round teal doctor"),
// the analogue of the paper's "a realistic photo of a {race} {gender} ..." augmentation.

import type { Rng } from '../random/rng'
import { CONCEPTS, SILHOUETTES, TONES, isConcept, isSilhouette, isTone, type Concept, type Silhouette, type Tone } from './taxonomy'
import { splitWords } from './vocabulary'

/** `{}` is where the (possibly attribute-qualified) concept goes. */
export const PROMPT_TEMPLATES = ['a photo of a {}', 'a picture of a {}', 'a portrait of a {}', 'a drawing of a {}', 'a {}', 'a person working as a {}'] as const

/** The template the studio uses for evaluation prompts. */
export const DEFAULT_TEMPLATE = PROMPT_TEMPLATES[0]

export interface PromptAttributes {
  silhouette?: Silhouette
  tone?: Tone
}

function fill(template: string, words: string): string {
  if (!template.includes('{}')) throw new Error(`prompt template "${template}" has no {} placeholder`)
  // "a" becomes "an" before a vowel ("an astronaut", "an amber doctor"); both are vocabulary words.
  return template.replace('{}', words).replace(/\ba (?=[aeiou])/g, 'an ')
}

/** "a photo of a doctor" */
export function neutralPrompt(concept: Concept, template: string = DEFAULT_TEMPLATE): string {
  return fill(template, concept)
}

/** "a photo of a round teal doctor"; either attribute may be left out. */
export function specificPrompt(concept: Concept, attributes: PromptAttributes, template: string = DEFAULT_TEMPLATE): string {
  const words: string[] = []
  if (attributes.silhouette) words.push(attributes.silhouette)
  if (attributes.tone) words.push(attributes.tone)
  words.push(concept)
  return fill(template, words.join(' '))
}

export function randomTemplate(rng: Rng): string {
  return PROMPT_TEMPLATES[rng.int(PROMPT_TEMPLATES.length)]
}

/** Every identity-neutral prompt of the world, one per concept, in the default template. */
export function neutralPromptSet(): string[] {
  return CONCEPTS.map((c) => neutralPrompt(c))
}

/** Every concept x silhouette x tone prompt, the analogue of the paper's identity-specific recall set. */
export function specificPromptSet(concepts: readonly Concept[] = CONCEPTS): string[] {
  const out: string[] = []
  for (const c of concepts) for (const s of SILHOUETTES) for (const t of TONES) out.push(specificPrompt(c, { silhouette: s, tone: t }))
  return out
}

export interface ParsedPrompt {
  concept: Concept | null
  silhouette: Silhouette | null
  tone: Tone | null
}

/**
 * What a prompt asks for, by whole-word matching (never substrings, the bug docs/methods/evaluation.md §Recall notes).
 * A word is taken only when it is the single word of its kind in the prompt; conflicts give null.
 */
export function parsePrompt(text: string): ParsedPrompt {
  const words = new Set(splitWords(text))
  const only = <T extends string>(pred: (w: string) => w is T): T | null => {
    const hits = [...words].filter(pred)
    return hits.length === 1 ? hits[0] : null
  }
  return { concept: only(isConcept), silhouette: only(isSilhouette), tone: only(isTone) }
}
