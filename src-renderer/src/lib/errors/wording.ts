// Turns an API error into words a person reads (issue 10, item 5): no contract method names
// (`axes.save`), no schema paths (`config.learningRate`), no validator jargon (`Too big: expected
// number to be <1`), no HTTP codes. The server's messages keep those details for logs and scripts;
// this is the one place that rewrites them for the screen.
//
// The shapes it reads are those of core/api/dispatch.ts (`<method>: <path>: <zod message>`, the
// annotator-scope refusal, unknown methods) and of the renderer's own client (lib/api.ts).
import type { ApiError } from '@shared/contract'
import { isUnanswered } from '../api'

/** The label a person sees for a field path of the contract's inputs (the form's own wording). */
export const FIELD_LABELS: Readonly<Record<string, string>> = {
  name: 'Name',
  description: 'Description',
  folder: 'Folder',
  path: 'File or folder',
  projectId: 'Project',
  projectIds: 'Projects',
  promptId: 'Prompt',
  prompts: 'Prompts',
  prompt: 'Prompt',
  text: 'Text',
  classes: 'Classes',
  axis: 'Axis',
  ideal: 'Ideal distribution',
  k: 'Images per set',
  count: 'Number of images',
  seed: 'Seed',
  seedStart: 'First seed',
  size: 'Model size',
  steps: 'Steps',
  batchSize: 'Images per step',
  learningRate: 'Learning rate',
  weighting: 'Loss weighting',
  schedule: 'Noise schedule',
  condDropout: 'Prompt dropout',
  checkpointEvery: 'Checkpoint every',
  emaDecay: 'EMA decay',
  beta: 'Beta',
  alpha: 'Alpha',
  guidance: 'Guidance',
  model: 'Model',
  snapshotId: 'Snapshot',
  annotatorId: 'Annotator',
  // The things renamed and deleted (housekeeping): said as what they are, never "pair id".
  pairId: 'Pair',
  setId: 'Set',
  runId: 'Run',
  axisId: 'Axis',
  reportId: 'Report',
  ttlHours: 'Invite lifetime (hours)',
  label: 'Label',
  title: 'Title',
  limit: 'Limit',
  classifierId: 'Classifier',
  sampler: 'Sampler',
  sampling: 'Sampling'
}

const METHOD_PREFIX = /^[a-z][A-Za-z0-9]*(?:\.[A-Za-z0-9]+)+:\s*/
const HTTP_CODE = /\s*\(?\bHTTP \d{3}\b\)?:?\s*/g

/** "learningRate" -> "learning rate", "projectIds" -> "project ids": a fallback for unlisted fields. */
function humanize(segment: string): string {
  return segment
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/_/g, ' ')
    .toLowerCase()
}

/** The label of a field path such as `config.learningRate` or `items.3.name`. */
export function fieldLabel(path: string, labels: Readonly<Record<string, string>> = {}): string {
  const all = { ...FIELD_LABELS, ...labels }
  if (all[path]) return all[path]
  const segments = path.split('.').filter((s) => s !== '' && !/^\d+$/.test(s))
  for (let i = 0; i < segments.length; i++) {
    const tail = segments.slice(i).join('.')
    if (all[tail]) return all[tail]
  }
  const last = segments.at(-1) ?? path
  const words = humanize(last)
  return words.charAt(0).toUpperCase() + words.slice(1)
}

const num = (s: string): string => {
  const n = Number(s)
  return Number.isFinite(n) ? String(n) : s
}

/** A validator message (zod 4's English) as the end of a sentence that starts with the field's label. */
function validatorPhrase(message: string): string | null {
  let m: RegExpMatchArray | null
  if ((m = message.match(/^Too small: expected string to have >=?(\d+) characters?/))) return Number(m[1]) <= 1 ? 'cannot be empty' : `needs at least ${m[1]} characters`
  if ((m = message.match(/^Too big: expected string to have <=?(\d+) characters?/))) return `can be at most ${m[1]} characters long`
  if ((m = message.match(/^Too small: expected array to have >=?(\d+) items?/))) return Number(m[1]) <= 1 ? 'needs at least one' : `needs at least ${m[1]}`
  if ((m = message.match(/^Too big: expected array to have <=?(\d+) items?/))) return `can have at most ${m[1]}`
  if ((m = message.match(/^Too small: expected (?:number|int|bigint) to be >=(\S+)/))) return `must be at least ${num(m[1])}`
  if ((m = message.match(/^Too small: expected (?:number|int|bigint) to be >(\S+)/))) return Number(m[1]) === 0 ? 'must be more than 0' : `must be more than ${num(m[1])}`
  if ((m = message.match(/^Too big: expected (?:number|int|bigint) to be <=(\S+)/))) return `must be at most ${num(m[1])}`
  if ((m = message.match(/^Too big: expected (?:number|int|bigint) to be <(\S+)/))) return `must be less than ${num(m[1])}`
  if (/^Invalid input: expected \w+, received undefined/.test(message)) return 'is missing'
  if (/^Invalid input: expected (?:number|int)\b/.test(message) || /expected int, received number/.test(message)) return /int/.test(message) ? 'must be a whole number' : 'must be a number'
  if (/^Invalid input: expected string\b/.test(message)) return 'must be text'
  if ((m = message.match(/^Invalid option: expected one of (.+)$/)))
    return `must be one of ${m[1]
      .split('|')
      .map((o) => o.replace(/^"|"$/g, ''))
      .join(', ')}`
  if (/^Invalid input: expected nonoptional/.test(message)) return 'is missing'
  return null
}

function sentence(text: string): string {
  const t = text.trim()
  if (t === '') return t
  const first = t.charAt(0).toUpperCase() + t.slice(1)
  return /[.!?…)]$/.test(first) ? first : `${first}.`
}

/** An input the studio refused (`<method>: <path>: <message>`), said with the field's label. */
function validationWords(rest: string, labels: Readonly<Record<string, string>>): string {
  const colon = rest.indexOf(': ')
  if (colon < 0) return sentence(rest)
  const path = rest.slice(0, colon)
  const message = rest.slice(colon + 2)
  const unrecognized = message.match(/^Unrecognized keys?: (.+)$/)
  if (path === 'input' || unrecognized) {
    return unrecognized ? 'This form sent something the studio does not accept. Reload the page and try again.' : sentence(validatorPhrase(message) ? `The input ${validatorPhrase(message)}` : message)
  }
  const label = fieldLabel(path, labels)
  const phrase = validatorPhrase(message)
  if (phrase) return sentence(`${label} ${phrase}`)
  // A custom rule's own message may start with the field's name ("batchSize must be even ...").
  const last = path.split('.').at(-1) ?? path
  const own = message.startsWith(last) ? label + message.slice(last.length) : `${label}: ${message.charAt(0).toLowerCase()}${message.slice(1)}`
  return sentence(own)
}

export interface WordingOptions {
  /** Labels of this form's fields where they differ from FIELD_LABELS (path -> label). */
  fields?: Readonly<Record<string, string>>
}

/** The error in the user's words. */
export function userMessage(error: ApiError | string, opts: WordingOptions = {}): string {
  if (typeof error !== 'string' && isUnanswered(error)) return 'The studio did not answer: the connection was lost or the studio stopped. Try again once it is back.'
  const code = typeof error === 'string' ? null : error.code
  const raw = (typeof error === 'string' ? error : error.message).trim()

  if (/session: HTTP 401/.test(raw) || code === 'unauthorized') return "Your session has ended. Open the studio's address again (an invited annotator asks the project owner for a new link)."
  if (/is not allowed for annotator sessions/.test(raw)) return 'Only the project owner can do this.'
  if (/^unknown method\b/.test(raw)) return 'This page is older than the studio it talks to. Reload the page.'
  if (/too many requests/.test(raw)) return 'Too many requests at once. Wait a moment and try again.'
  if (/missing or wrong x-csrf-token|cross-origin request refused/.test(raw)) return "The studio refused this page's request. Reload the page and try again."

  const hadMethod = METHOD_PREFIX.test(raw)
  let rest = raw.replace(METHOD_PREFIX, '').replace(HTTP_CODE, ' ').trim()
  if (code === 'bad_request' && hadMethod) return validationWords(rest, opts.fields ?? {})
  rest = rest.replace(/^Error:\s*/, '')
  if (rest === '') return code === 'internal' ? 'Something went wrong in the studio. Try again; if it keeps happening, restart the studio.' : 'That did not work. Try again.'
  return sentence(rest)
}
