// The prompt vocabulary of the built-in world and the bag-of-words encoder that produces the DiT's
// `cond` input (see engine/model/dit-spec.ts): a multi-hot row over the vocabulary (1 for each known
// word present), with the empty or dropped prompt encoded as the one-hot of token 0, "<null>". Because
// the encoding only marks whole known words, any combination of known words works, including pairings
// never seen in training. It is not normalised on purpose: dividing by the word count made each
// attribute word 1/7 of "a photo of a round teal doctor", and the base model learnt to ignore it.

import { CONCEPTS, SILHOUETTES, TONES } from './taxonomy'

export const NULL_TOKEN = '<null>'

/** Words the prompt templates use around the concept and attribute words. */
export const TEMPLATE_WORDS = ['a', 'an', 'the', 'photo', 'picture', 'portrait', 'drawing', 'of', 'person', 'working', 'as', 'figure'] as const

/** Token order is fixed: checkpoints store embeddings by index, so only ever append. */
export const VOCABULARY: readonly string[] = Object.freeze([NULL_TOKEN, ...TEMPLATE_WORDS, ...CONCEPTS, ...SILHOUETTES, ...TONES])

/** The DiT's `vocabSize` must equal this. */
export const VOCAB_SIZE = VOCABULARY.length

const TOKEN_ID: ReadonlyMap<string, number> = new Map(VOCABULARY.map((w, i) => [w, i]))

export function tokenId(word: string): number | undefined {
  return TOKEN_ID.get(word.toLowerCase())
}

/** Whole words, lower-cased; punctuation and digits separate words ("Doctor," -> "doctor"). */
export function splitWords(text: string): string[] {
  if (typeof text !== 'string') throw new Error(`prompt must be a string, got ${typeof text}`)
  return text
    .toLowerCase()
    .split(/[^a-z<>]+/)
    .filter((w) => w.length > 0)
}

export interface TokenisedPrompt {
  /** Ids of the known words, in prompt order, repeats kept. */
  ids: number[]
  /** Words not in the vocabulary; they are ignored by the encoding and reported so callers can warn. */
  unknown: string[]
}

export function tokenisePrompt(text: string): TokenisedPrompt {
  const ids: number[] = []
  const unknown: string[] = []
  for (const word of splitWords(text)) {
    const id = TOKEN_ID.get(word)
    // "<null>" typed into a prompt is not a word of the prompt; only the encoder emits it.
    if (id === undefined || id === 0) unknown.push(word)
    else ids.push(id)
  }
  return { ids, unknown }
}

export interface EncodedPrompt {
  vector: Float32Array
  unknown: string[]
}

/** Multi-hot bag of words over the vocabulary; a prompt with no known word is "<null>". */
export function encodePromptDetailed(text: string): EncodedPrompt {
  const { ids, unknown } = tokenisePrompt(text)
  const vector = new Float32Array(VOCAB_SIZE)
  writeBagOfWords(vector, 0, ids)
  return { vector, unknown }
}

export function encodePrompt(text: string): Float32Array {
  return encodePromptDetailed(text).vector
}

/** The unconditional input for classifier-free guidance. */
export function nullCondition(): Float32Array {
  const v = new Float32Array(VOCAB_SIZE)
  v[0] = 1
  return v
}

/** Encodes several prompts into one [B, V] row-major buffer. */
export function encodePrompts(texts: readonly string[]): Float32Array {
  const out = new Float32Array(texts.length * VOCAB_SIZE)
  texts.forEach((t, b) => writeBagOfWords(out, b * VOCAB_SIZE, tokenisePrompt(t).ids))
  return out
}

function writeBagOfWords(out: Float32Array, offset: number, ids: readonly number[]): void {
  if (ids.length === 0) {
    out[offset] = 1
    return
  }
  for (const id of ids) out[offset + id] = 1
}
