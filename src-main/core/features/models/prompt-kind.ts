// Whether a sampling prompt is identity-specific (it names an attribute of the built-in world's
// axes) and, if so, the identity-neutral prompt it belongs to: the same words without the attribute
// words ("a photo of a round teal doctor" -> "a photo of a doctor").
import { parsePrompt } from '../../world/prompts'
import { isSilhouette, isTone } from '../../world/taxonomy'

export interface PromptKind {
  kind: 'neutral' | 'specific'
  /** The neutral prompt's text for a specific prompt; null for neutral ones. */
  neutralText: string | null
}

const isAttributeWord = (word: string): boolean => {
  const w = word.toLowerCase().replace(/[^a-z]/g, '')
  return isSilhouette(w) || isTone(w)
}

export function classifyPrompt(text: string): PromptKind {
  const parsed = parsePrompt(text)
  if (parsed.silhouette === null && parsed.tone === null) return { kind: 'neutral', neutralText: null }
  const words = text
    .trim()
    .split(/\s+/)
    .filter((w) => !isAttributeWord(w))
  // Removing "amber" from "an amber doctor" leaves "an doctor": fix the article for the next word.
  const neutral = words.join(' ').replace(/\b(an?) (?=\S)(\S)/gi, (_m, article: string, next: string) => {
    const vowel = /[aeiou]/i.test(next)
    const fixed = vowel ? 'an' : 'a'
    return `${article[0] === 'A' ? fixed[0].toUpperCase() + fixed.slice(1) : fixed} ${next}`
  })
  // A prompt that is nothing but attribute words has no neutral counterpart to link to.
  if (parsed.concept === null || neutral.length === 0) return { kind: 'specific', neutralText: null }
  return { kind: 'specific', neutralText: neutral }
}
