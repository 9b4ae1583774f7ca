// The native set-preference format (docs/formats.md §Native JSONL): one JSON line per judged set pair with
// both sets' images and their provenance (prompt used, seed, generator, classifier verdicts, gate),
// every judgement behind the outcome, the aggregate (winner and agreement) and the snapshot it came
// from. It is the lossless source the other exports can be derived from.
import type { SnapshotContent } from '../snapshots/build'
import type { AtomicFile } from './atomic-file'
import type { ExportFacts } from './facts'
import type { ContentItem, ContentPair } from '../snapshots/build'

export interface JsonlSource {
  snapshotId: number | null
  snapshotVersion: number | null
  contentSha256: string
}

export async function writeNativeJsonl(
  content: Pick<SnapshotContent, 'projectId' | 'criterion' | 'pairs' | 'items'>,
  source: JsonlSource,
  facts: ExportFacts,
  out: AtomicFile,
  step: (pairsDone: number) => Promise<void>
): Promise<number> {
  const axes = facts.axes(content.projectId)
  const itemsByPairSet = new Map<string, ContentItem[]>()
  for (const item of content.items) {
    const key = `${item.pairId}/${item.setId}`
    itemsByPairSet.set(key, [...(itemsByPairSet.get(key) ?? []), item])
  }
  const setJson = (pair: ContentPair, setId: number) => {
    const { origin, mcmcChainId } = facts.set(setId)
    const images = (itemsByPairSet.get(`${pair.pairId}/${setId}`) ?? []).map((item) => {
      const f = facts.image(item.imageId)
      return {
        uid: `sha256:${item.sha256}`,
        image_id: item.imageId,
        path: item.filePath,
        prompt_used: f.promptText,
        prompt_kind: f.promptKind,
        seed: f.seed,
        model: f.generator,
        attrs: attrsOf(f.classifications),
        gate: f.gate
      }
    })
    return { set_id: setId, source: origin, mcmc_chain: mcmcChainId, images }
  }
  for (const [index, pair] of content.pairs.entries()) {
    const judgements = pair.votes.map((v) => {
      const j = facts.judgement(v.judgementId)
      return {
        judgement_id: v.judgementId,
        annotator_id: v.annotatorId,
        annotator: j?.annotatorName ?? null,
        annotator_kind: j?.annotatorKind ?? null,
        criterion: content.criterion,
        choice: v.choice,
        side_a: j ? (j.shownLeft === 'a' ? 'left' : 'right') : null,
        rt_ms: j?.responseMs ?? null,
        at: v.createdAt
      }
    })
    const line = {
      pair_id: pair.pairId,
      prompt_neutral: pair.caption,
      axes,
      set_a: setJson(pair, pair.setA),
      set_b: setJson(pair, pair.setB),
      judgements,
      aggregate: {
        [content.criterion]: {
          winner: pair.outcome === 'a' || pair.outcome === 'b' ? pair.outcome : null,
          outcome: pair.outcome,
          agreement: pair.agreement,
          votes: pair.votes.length,
          adjudication_id: pair.adjudicationId,
          decided_at: pair.decidedAt
        }
      },
      provenance: {
        dataset_snapshot: source.snapshotVersion === null ? null : `v${source.snapshotVersion}`,
        snapshot_id: source.snapshotId,
        content_sha256: source.contentSha256
      }
    }
    out.write(JSON.stringify(line) + '\n')
    await step(index + 1)
  }
  return content.pairs.length
}

function attrsOf(classifications: ReturnType<ExportFacts['image']>['classifications']) {
  const attrs: Record<string, { label: string; by: string; score: number | null; status: string }> = {}
  for (const c of classifications) {
    for (const [axis, label] of Object.entries(c.attributes)) {
      attrs[axis] = { label, by: `${c.classifierId}@${c.classifierVersion}`, score: c.confidence, status: c.status }
    }
  }
  return attrs
}
