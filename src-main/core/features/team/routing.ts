// Plans which annotators get which set pairs: each pair goes to k distinct annotators, the least
// loaded first (random among equals), and never to someone who already has it. Each assignment
// also gets a random rank, the order in which that annotator is served their pairs, so a team does
// not all start on the same pair. Incremental: existing assignments are kept and only topped up.
export interface RoutingInput {
  /** Pairs to route, in a stable order. */
  pairIds: readonly number[]
  /** Annotators already holding each pair. */
  existing: ReadonlyMap<number, ReadonlySet<number>>
  /** Who may receive new assignments. */
  annotatorIds: readonly number[]
  k: number
  random: () => number
}

export interface PlannedAssignment {
  pairId: number
  annotatorId: number
  rank: number
}

export function planRouting(input: RoutingInput): { assignments: PlannedAssignment[]; short: number } {
  const { k, random } = input
  const team = [...new Set(input.annotatorIds)]
  if (!Number.isInteger(k) || k < 1) throw new Error(`overlap k must be a positive integer, got ${k}`)
  if (team.length < k) throw new Error(`routing each pair to ${k} annotators needs at least ${k}; the team has ${team.length}`)
  const load = new Map<number, number>(team.map((a) => [a, 0]))
  for (const holders of input.existing.values()) for (const a of holders) if (load.has(a)) load.set(a, load.get(a)! + 1)

  const assignments: PlannedAssignment[] = []
  let short = 0
  for (const pairId of input.pairIds) {
    const holders = input.existing.get(pairId) ?? new Set<number>()
    const need = k - holders.size
    if (need <= 0) continue
    const chosen = team
      .filter((a) => !holders.has(a))
      .map((a) => ({ a, load: load.get(a)!, tie: random() }))
      .sort((x, y) => x.load - y.load || x.tie - y.tie)
      .slice(0, need)
    for (const { a } of chosen) {
      assignments.push({ pairId, annotatorId: a, rank: random() })
      load.set(a, load.get(a)! + 1)
    }
    short += need - chosen.length
  }
  return { assignments, short }
}
