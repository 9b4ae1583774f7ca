// The images of one prompt (or project), fetched page by page as the grid scrolls to them, so the
// renderer never asks for or holds more than it shows plus a few pages.
import type { ImageFilter, ImageSummary } from '@shared/contract'
import type { ApiClient } from '../api'
import { userMessage } from '../errors/wording'

export const PAGE_SIZE = 500

export class ImagePages {
  total = $state(0)
  /** Sparse: index -> image, filled as pages arrive. */
  items = $state<Array<ImageSummary | undefined>>([])
  error = $state<string | null>(null)
  loaded = $state(false)
  // Bookkeeping of which pages were asked for; nothing renders from these, so they need no reactivity.
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  private readonly inFlight = new Set<number>()
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  private readonly done = new Set<number>()
  private generation = 0

  constructor(private readonly api: ApiClient) {}

  /** Starts over for a new project/prompt (and Browse's filters) and loads the first page. */
  reset = async (projectId: number, promptId: number | undefined, filter: ImageFilter = {}): Promise<void> => {
    this.generation++
    this.inFlight.clear()
    this.done.clear()
    this.total = 0
    this.items = []
    this.error = null
    this.loaded = false
    this.scope = { projectId, promptId, ...filter }
    await this.loadPage(0)
    this.loaded = true
  }

  private scope: ({ projectId: number; promptId: number | undefined } & ImageFilter) | null = null

  /** Makes sure the items in [start, end) are loaded or on their way. */
  ensure = (start: number, end: number): void => {
    const first = Math.floor(start / PAGE_SIZE)
    const last = Math.floor(Math.max(start, end - 1) / PAGE_SIZE)
    for (let page = first; page <= last; page++) void this.loadPage(page)
  }

  private loadPage = async (page: number): Promise<void> => {
    if (!this.scope || this.inFlight.has(page) || this.done.has(page)) return
    if (page > 0 && page * PAGE_SIZE >= this.total) return
    const generation = this.generation
    this.inFlight.add(page)
    const result = await this.api.call('images.list', { ...this.scope, offset: page * PAGE_SIZE, limit: PAGE_SIZE })
    if (generation !== this.generation) return // a reset happened while this page was on its way
    this.inFlight.delete(page)
    if (!result.ok) {
      this.error = userMessage(result.error)
      return
    }
    this.done.add(page)
    const items = this.items.length === result.value.total ? this.items.slice() : resize(this.items, result.value.total)
    result.value.items.forEach((item, i) => (items[page * PAGE_SIZE + i] = item))
    this.total = result.value.total
    this.items = items
  }
}

function resize<T>(items: Array<T | undefined>, length: number): Array<T | undefined> {
  const out = new Array<T | undefined>(length)
  for (let i = 0; i < Math.min(length, items.length); i++) out[i] = items[i]
  return out
}
