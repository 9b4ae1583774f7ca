// Reads a project's live judgements for one criterion and turns them into snapshot content: every
// judged pair with its outcome, and per-image rows labelled +1 (winning set) / -1 (losing set), or 0
// for the members of pairs that are excluded (kept so exports can write ties as 0.5). Undone
// judgements are ignored. Nothing is written here; snapshots/store.ts persists the result.
import type { Choice, Criterion } from '@shared/contract'
import type Database from 'better-sqlite3'
import { decidePair, type Outcome, type Vote } from './majority'

export interface ContentPair {
  pairId: number
  setA: number
  setB: number
  /** The identity-neutral prompt text; null when the pair's prompt is specific and links to none. */
  caption: string | null
  outcome: Outcome | 'no_neutral_prompt'
  agreement: number
  votes: Vote[]
  adjudicationId: number | null
  decidedAt: string
}

export interface ContentItem {
  pairId: number
  setId: number
  position: number
  imageId: number
  sha256: string
  filePath: string
  label: 1 | -1 | 0
}

export interface SnapshotCounts {
  pairsInProject: number
  pairsJudged: number
  pairsUsed: number
  rows: number
  positiveRows: number
  negativeRows: number
  judgements: number
  undoneIgnored: number
  excluded: { tie: number; cantJudge: number; voteTie: number; noNeutralPrompt: number }
}

export interface SnapshotSources {
  judgementIds: number[]
  annotators: Array<{ id: number; name: string; kind: 'human' | 'classifier'; judgements: number }>
  adjudicationIds: number[]
  /** The automatic judge (annotator "classifier"): the classifier versions that saw its pairs' images. */
  classifier: { annotatorId: number; judgements: number; versions: Array<{ classifierId: string; classifierVersion: string; images: number }> } | null
}

export interface SnapshotContent {
  projectId: number
  criterion: Criterion
  pairs: ContentPair[]
  items: ContentItem[]
  counts: SnapshotCounts
  sources: SnapshotSources
}

interface JudgementRow {
  id: number
  pair_id: number
  annotator_id: number
  choice: Choice
  created_at: string
}

export function buildSnapshotContent(db: Database.Database, projectId: number, criterion: Criterion): SnapshotContent {
  const live = db
    .prepare<[number, string], JudgementRow>(
      `SELECT j.id, j.pair_id, j.annotator_id, j.choice, j.created_at FROM judgements j JOIN set_pairs p ON p.id = j.pair_id
       WHERE p.project_id = ? AND j.criterion = ? AND j.undone_at IS NULL ORDER BY j.pair_id, j.id`
    )
    .all(projectId, criterion)
  const undoneIgnored = db
    .prepare<[number, string], number>('SELECT count(*) FROM judgements j JOIN set_pairs p ON p.id = j.pair_id WHERE p.project_id = ? AND j.criterion = ? AND j.undone_at IS NOT NULL')
    .pluck()
    .get(projectId, criterion)!
  const pairsInProject = db.prepare<[number], number>('SELECT count(*) FROM set_pairs WHERE project_id = ?').pluck().get(projectId)!
  // The latest adjudication per pair wins (the table is append-only).
  const adjudications = new Map(
    db
      .prepare<[number, string], { id: number; pair_id: number; choice: Choice; created_at: string }>(
        `SELECT a.id, a.pair_id, a.choice, a.created_at FROM adjudications a JOIN set_pairs p ON p.id = a.pair_id
         WHERE p.project_id = ? AND a.criterion = ? ORDER BY a.id`
      )
      .all(projectId, criterion)
      .map((a) => [a.pair_id, a] as const)
  )
  const pairInfo = db.prepare<[number], { set_a: number; set_b: number; kind: string; text: string; neutral_text: string | null }>(
    `SELECT p.set_a, p.set_b, pr.kind, pr.text, n.text AS neutral_text
     FROM set_pairs p JOIN prompts pr ON pr.id = p.prompt_id LEFT JOIN prompts n ON n.id = pr.neutral_prompt_id WHERE p.id = ?`
  )
  const members = db.prepare<[number], { position: number; image_id: number; sha256: string; file_path: string }>(
    'SELECT m.position, m.image_id, i.sha256, i.file_path FROM set_members m JOIN images i ON i.id = m.image_id WHERE m.set_id = ? ORDER BY m.position'
  )

  const votesByPair = new Map<number, Vote[]>()
  for (const j of live) {
    const votes = votesByPair.get(j.pair_id) ?? []
    votes.push({ judgementId: j.id, annotatorId: j.annotator_id, choice: j.choice, createdAt: j.created_at })
    votesByPair.set(j.pair_id, votes)
  }
  for (const pairId of adjudications.keys()) if (!votesByPair.has(pairId)) votesByPair.set(pairId, [])

  const pairs: ContentPair[] = []
  const items: ContentItem[] = []
  const excluded = { tie: 0, cantJudge: 0, voteTie: 0, noNeutralPrompt: 0 }
  for (const pairId of [...votesByPair.keys()].sort((x, y) => x - y)) {
    const votes = votesByPair.get(pairId)!
    const info = pairInfo.get(pairId)!
    const adjudication = adjudications.get(pairId)
    const decision = decidePair(votes, adjudication && { choice: adjudication.choice, createdAt: adjudication.created_at })
    const caption = info.kind === 'neutral' ? info.text : info.neutral_text
    const outcome = caption === null ? 'no_neutral_prompt' : decision.outcome
    pairs.push({ pairId, setA: info.set_a, setB: info.set_b, caption, outcome, agreement: decision.agreement, votes, adjudicationId: adjudication?.id ?? null, decidedAt: decision.decidedAt })

    if (outcome === 'tie') excluded.tie++
    else if (outcome === 'cant_judge') excluded.cantJudge++
    else if (outcome === 'vote_tie') excluded.voteTie++
    else if (outcome === 'no_neutral_prompt') excluded.noNeutralPrompt++
    const labelOf = (side: 'a' | 'b'): 1 | -1 | 0 => (outcome === 'a' || outcome === 'b' ? (outcome === side ? 1 : -1) : 0)
    // Winning set first, so a pair's rows read winners then losers.
    const order: Array<['a' | 'b', number]> =
      outcome === 'b'
        ? [
            ['b', info.set_b],
            ['a', info.set_a]
          ]
        : [
            ['a', info.set_a],
            ['b', info.set_b]
          ]
    for (const [side, setId] of order) {
      for (const m of members.all(setId)) {
        items.push({ pairId, setId, position: m.position, imageId: m.image_id, sha256: m.sha256, filePath: m.file_path, label: labelOf(side) })
      }
    }
  }

  const used = pairs.filter((p) => p.outcome === 'a' || p.outcome === 'b')
  const counts: SnapshotCounts = {
    pairsInProject,
    pairsJudged: pairs.length,
    pairsUsed: used.length,
    rows: items.filter((i) => i.label !== 0).length,
    positiveRows: items.filter((i) => i.label === 1).length,
    negativeRows: items.filter((i) => i.label === -1).length,
    judgements: live.length,
    undoneIgnored,
    excluded
  }
  return {
    projectId,
    criterion,
    pairs,
    items,
    counts,
    sources: sourcesOf(
      db,
      live,
      [...adjudications.values()].map((a) => a.id),
      pairs
    )
  }
}

function sourcesOf(db: Database.Database, live: readonly JudgementRow[], adjudicationIds: number[], pairs: readonly ContentPair[]): SnapshotSources {
  const perAnnotator = new Map<number, number>()
  for (const j of live) perAnnotator.set(j.annotator_id, (perAnnotator.get(j.annotator_id) ?? 0) + 1)
  const annotator = db.prepare<[number], { id: number; name: string; kind: 'human' | 'classifier' }>('SELECT id, name, kind FROM annotators WHERE id = ?')
  const annotators = [...perAnnotator.entries()].sort(([x], [y]) => x - y).map(([id, judgements]) => ({ ...annotator.get(id)!, judgements }))

  const auto = annotators.find((a) => a.name === 'classifier')
  let classifier: SnapshotSources['classifier'] = null
  if (auto) {
    const autoPairs = pairs.filter((p) => p.votes.some((v) => v.annotatorId === auto.id))
    const setIds = [...new Set(autoPairs.flatMap((p) => [p.setA, p.setB]))]
    const versions = db
      .prepare<[string], { classifierId: string; classifierVersion: string; images: number }>(
        `SELECT c.classifier_id AS classifierId, c.classifier_version AS classifierVersion, count(DISTINCT c.image_id) AS images
         FROM image_classifications c WHERE c.image_id IN (SELECT m.image_id FROM set_members m WHERE m.set_id IN (SELECT value FROM json_each(?)))
         GROUP BY c.classifier_id, c.classifier_version ORDER BY c.classifier_id, c.classifier_version`
      )
      .all(JSON.stringify(setIds))
    classifier = { annotatorId: auto.id, judgements: auto.judgements, versions }
  }
  return { judgementIds: live.map((j) => j.id), annotators, adjudicationIds, classifier }
}
