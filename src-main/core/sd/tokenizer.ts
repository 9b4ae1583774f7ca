// The model's own CLIP tokenizer, read from its tokenizer.json and tokenizer_config.json by
// @huggingface/tokenizers (the tokenizer library of transformers.js), padded and truncated the way
// diffusers' pipelines call it: padding="max_length", max_length=model_max_length (77), truncation.
import { Tokenizer } from '@huggingface/tokenizers'
import { MAX_SETTINGS_BYTES, MAX_TOKENIZER_BYTES, readFolderJson, SdFolderError } from './folder'

export interface PromptTokenizer {
  readonly maxLength: number
  /** Token ids with BOS/EOS, truncated (keeping EOS last) and padded to maxLength. */
  encode(text: string): number[]
}

export function loadPromptTokenizer(tokenizerJson: string, tokenizerConfig: string): PromptTokenizer {
  const json = readObject(tokenizerJson, MAX_TOKENIZER_BYTES)
  const config = readObject(tokenizerConfig, MAX_SETTINGS_BYTES)
  let tok: Tokenizer
  try {
    tok = new Tokenizer(json, config)
  } catch (e) {
    throw new SdFolderError(`the tokenizer ${tokenizerJson} cannot be built: ${(e as Error).message}`)
  }
  const maxLength = typeof config.model_max_length === 'number' && config.model_max_length <= 4096 ? config.model_max_length : 77
  const padToken = tokenName(config.pad_token) ?? tokenName(config.eos_token)
  const pad = padToken === null ? undefined : tok.token_to_id(padToken)
  if (pad === undefined) throw new SdFolderError(`the tokenizer in ${tokenizerConfig} names no pad or end-of-text token that its vocabulary has`)
  return {
    maxLength,
    encode(text) {
      const ids = tok.encode(text).ids.map(Number)
      if (ids.length > maxLength) {
        // Truncation keeps the first maxLength - 1 ids and the closing end-of-text id.
        return [...ids.slice(0, maxLength - 1), ids[ids.length - 1]]
      }
      return [...ids, ...new Array<number>(maxLength - ids.length).fill(pad)]
    }
  }
}

function readObject(path: string, maxBytes: number): Record<string, unknown> {
  let value: unknown
  try {
    value = readFolderJson(path, maxBytes)
  } catch (e) {
    throw new SdFolderError(`cannot read the tokenizer file ${path}: ${(e as Error).message}`)
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new SdFolderError(`the tokenizer file ${path} does not hold a JSON object`)
  return value as Record<string, unknown>
}

function tokenName(t: unknown): string | null {
  if (typeof t === 'string') return t
  if (t && typeof t === 'object' && typeof (t as { content?: unknown }).content === 'string') return (t as { content: string }).content
  return null
}
