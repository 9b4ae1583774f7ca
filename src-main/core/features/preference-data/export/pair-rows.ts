// Turns snapshot content into the image pairs external trainers read. A decided pair of sets W (winner)
// and L (loser) becomes k rows (W[i], L[i]) as in the PopAlign reference (docs/formats.md §Set pairs to image pairs);
// when the sets differ in size, k is the larger size and the smaller set is cycled, so every image is
// used. Undecided pairs (tie, can't judge, vote tie) keep the order (A, B).
import type { ContentItem, ContentPair, SnapshotContent } from '../snapshots/build'

export interface ExportPair {
  pair: ContentPair
  /** True when the pair has a winner: `first` is the winning set and `second` the losing one. */
  decided: boolean
  first: ContentItem[]
  second: ContentItem[]
}

export function exportPairs(content: Pick<SnapshotContent, 'pairs' | 'items'>, opts: { includeUndecided: boolean }): ExportPair[] {
  const bySet = new Map<string, ContentItem[]>()
  for (const item of content.items) {
    const key = `${item.pairId}/${item.setId}`
    const list = bySet.get(key) ?? []
    list.push(item)
    bySet.set(key, list)
  }
  const members = (pairId: number, setId: number): ContentItem[] => (bySet.get(`${pairId}/${setId}`) ?? []).sort((x, y) => x.position - y.position)
  const out: ExportPair[] = []
  for (const pair of content.pairs) {
    // Without a neutral caption a row is unusable for training: such pairs are never exported.
    if (pair.caption === null) continue
    const decided = pair.outcome === 'a' || pair.outcome === 'b'
    if (!decided && !opts.includeUndecided) continue
    const [first, second] = pair.outcome === 'b' ? [pair.setB, pair.setA] : [pair.setA, pair.setB]
    out.push({ pair, decided, first: members(pair.pairId, first), second: members(pair.pairId, second) })
  }
  return out
}

/** The k image pairs of one set pair. */
export function imagePairs(p: ExportPair): Array<[ContentItem, ContentItem]> {
  const k = Math.max(p.first.length, p.second.length)
  if (p.first.length === 0 || p.second.length === 0) throw new Error(`set pair ${p.pair.pairId} has an empty set`)
  return Array.from({ length: k }, (_, i) => [p.first[i % p.first.length], p.second[i % p.second.length]])
}
