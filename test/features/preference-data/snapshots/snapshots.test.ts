// Snapshot rules over a real workspace: labels, exclusions and their counts, majority and agreement,
// undone judgements ignored, provenance, the content hash, and immutability.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { classificationsRepo } from '../../../../src-main/core/store/repos/classifications'
import { snapshotsRepo } from '../../../../src-main/core/features/preference-data/snapshots/store'
import { adjudicationsRepo } from '../../../../src-main/core/store/repos/adjudications'
import { createSnapshot, getSnapshot, listSnapshots, SnapshotError, snapshotRows } from '../../../../src-main/core/features/preference-data/snapshots/service'
import { judgedProject, NEUTRAL_TEXT, type JudgedProject } from './fixture'

describe('preference snapshots', () => {
  let f: JudgedProject
  beforeEach(() => {
    f = judgedProject()
  })
  afterEach(() => f.dispose())

  const outcomes = (snapshotId: number) =>
    new Map(
      snapshotsRepo(f.ws.db)
        .pairs(snapshotId)
        .map((p) => [p.pairId, p])
    )

  it('labels every image of the winning set +1 and of the losing set -1, captioned with the neutral prompt', () => {
    const s = createSnapshot(f.ws, f.projectId, 'fairness')
    const rows = snapshotRows(f.ws, s.id)
    const ofPair = (pairId: number) => rows.filter((r) => r.pairId === pairId)

    const win = ofPair(f.pairs.win.id)
    expect(win.map((r) => [r.setId, r.imageId, r.label])).toEqual([
      ...f.members.get(f.pairs.win.setA)!.map((id) => [f.pairs.win.setA, id, 1]),
      ...f.members.get(f.pairs.win.setB)!.map((id) => [f.pairs.win.setB, id, -1])
    ])
    expect(new Set(win.map((r) => r.caption))).toEqual(new Set([NEUTRAL_TEXT]))
    expect(win.every((r) => r.filePath.endsWith('.png'))).toBe(true)

    // Set B won the specific prompt's pair; the caption is the linked neutral prompt, not the specific one.
    const specific = ofPair(f.pairs.specific.id)
    expect(specific.filter((r) => r.label === 1).map((r) => r.setId)).toEqual([f.pairs.specific.setB, f.pairs.specific.setB, f.pairs.specific.setB])
    expect(specific.filter((r) => r.label === -1).map((r) => r.imageId)).toEqual(f.members.get(f.pairs.specific.setA))
    expect(new Set(specific.map((r) => r.caption))).toEqual(new Set([NEUTRAL_TEXT]))

    // The classifier's judgement counts like any other.
    expect(
      ofPair(f.pairs.auto.id)
        .filter((r) => r.label === 1)
        .map((r) => r.setId)
    ).toEqual(Array(3).fill(f.pairs.auto.setB))

    for (const excluded of [f.pairs.tie, f.pairs.cant, f.pairs.voteTie, f.pairs.orphan, f.pairs.unjudged]) expect(ofPair(excluded.id)).toEqual([])
    expect(rows).toHaveLength(30)
  })

  it("excludes and counts ties, can't-judge, vote ties and pairs without a neutral prompt; ignores undone judgements", () => {
    const s = createSnapshot(f.ws, f.projectId, 'fairness')
    expect(s.counts).toEqual({
      pairsInProject: 10,
      pairsJudged: 9,
      pairsUsed: 5,
      rows: 30,
      positiveRows: 15,
      negativeRows: 15,
      judgements: 12,
      undoneIgnored: 1,
      excluded: { tie: 1, cantJudge: 1, voteTie: 1, noNeutralPrompt: 1 }
    })
    const byPair = outcomes(s.id)
    expect(byPair.get(f.pairs.tie.id)!.outcome).toBe('tie')
    expect(byPair.get(f.pairs.cant.id)!.outcome).toBe('cant_judge')
    expect(byPair.get(f.pairs.orphan.id)).toMatchObject({ outcome: 'no_neutral_prompt', caption: null })
    // The owner's undone 'a' is gone; h2's later 'b' alone decides.
    expect(byPair.get(f.pairs.undone.id)).toMatchObject({ outcome: 'b', agreement: 1 })
    expect(byPair.get(f.pairs.undone.id)!.votes.map((v) => v.annotatorId)).toEqual([f.annotators.h2])
    expect(byPair.has(f.pairs.unjudged.id)).toBe(false)
  })

  it('takes the majority of several annotators and keeps the agreement; an even split is a vote tie', () => {
    const s = createSnapshot(f.ws, f.projectId, 'fairness')
    const byPair = outcomes(s.id)
    const majority = byPair.get(f.pairs.majority.id)!
    expect(majority.outcome).toBe('a')
    expect(majority.agreement).toBeCloseTo(2 / 3, 12)
    expect(majority.votes.map((v) => [v.annotatorId, v.choice])).toEqual([
      [f.annotators.owner, 'a'],
      [f.annotators.h1, 'a'],
      [f.annotators.h2, 'b']
    ])
    expect(byPair.get(f.pairs.voteTie.id)).toMatchObject({ outcome: 'vote_tie', agreement: 0.5 })
    const rows = snapshotRows(f.ws, s.id).filter((r) => r.pairId === f.pairs.majority.id)
    expect(rows.filter((r) => r.label === 1).map((r) => r.setId)).toEqual(Array(3).fill(f.pairs.majority.setA))
  })

  it("an owner's adjudication decides a split pair", () => {
    adjudicationsRepo(f.ws.db).add(f.pairs.voteTie.id, 'fairness', 'b', f.annotators.owner)
    const s = createSnapshot(f.ws, f.projectId, 'fairness')
    expect(outcomes(s.id).get(f.pairs.voteTie.id)).toMatchObject({ outcome: 'b', agreement: 0.5 })
    expect(s.counts.excluded.voteTie).toBe(0)
    expect(s.counts.pairsUsed).toBe(6)
    expect(s.sources.adjudicationIds).toHaveLength(1)
  })

  it('records which judgements, annotators and classifier produced it', () => {
    const images = f.members.get(f.pairs.auto.setA)!
    const classifications = classificationsRepo(f.ws.db)
    for (const imageId of images) classifications.record({ imageId, classifierId: 'world-clf', classifierVersion: '3', status: 'ok', attributes: { gender: 'female' }, confidence: 0.9 })
    const s = createSnapshot(f.ws, f.projectId, 'fairness')
    const live = f.ws.db.prepare("SELECT id FROM judgements WHERE criterion = 'fairness' AND undone_at IS NULL ORDER BY pair_id, id").pluck().all() as number[]
    expect(s.sources.judgementIds).toEqual(live)
    expect(s.sources.annotators.map((a) => [a.name, a.kind, a.judgements])).toEqual([
      ['owner', 'human', 7],
      ['classifier', 'classifier', 1],
      ['h1', 'human', 2],
      ['h2', 'human', 2]
    ])
    expect(s.sources.classifier).toEqual({ annotatorId: f.annotators.classifier, judgements: 1, versions: [{ classifierId: 'world-clf', classifierVersion: '3', images: 3 }] })
  })

  it('is versioned, and its content hash is stable while the judgements do not change', () => {
    const first = createSnapshot(f.ws, f.projectId, 'fairness')
    const second = createSnapshot(f.ws, f.projectId, 'fairness', 'for the paper run')
    expect([first.version, first.name, second.version, second.name]).toEqual([1, 'v1', 2, 'for the paper run'])
    expect(second.contentSha256).toBe(first.contentSha256)
    expect(first.contentSha256).toMatch(/^[0-9a-f]{64}$/)
    f.judge(f.pairs.unjudged.id, f.annotators.owner, 'a')
    expect(createSnapshot(f.ws, f.projectId, 'fairness').contentSha256).not.toBe(first.contentSha256)
    expect(listSnapshots(f.ws, f.projectId).map((s) => s.version)).toEqual([3, 2, 1])
  })

  it('never changes after it is taken: later judgements leave it alone, and the database refuses edits', () => {
    const s = createSnapshot(f.ws, f.projectId, 'fairness')
    const rowsBefore = snapshotRows(f.ws, s.id)
    const pairsBefore = snapshotsRepo(f.ws.db).pairs(s.id)

    // New decisions: an unjudged pair judged, the split pair tipped, a decision undone, one edited in place.
    f.judge(f.pairs.unjudged.id, f.annotators.h1, 'b')
    f.judge(f.pairs.voteTie.id, f.annotators.h2, 'a')
    f.ws.judgements.undoLatest(f.annotators.h2, f.projectId, 'fairness')
    f.ws.db.prepare("UPDATE judgements SET choice = 'b' WHERE pair_id = ? AND annotator_id = ?").run(f.pairs.win.id, f.annotators.owner)

    expect(snapshotRows(f.ws, s.id)).toEqual(rowsBefore)
    expect(snapshotsRepo(f.ws.db).pairs(s.id)).toEqual(pairsBefore)
    expect(getSnapshot(f.ws, s.id)).toEqual(s)
    const later = createSnapshot(f.ws, f.projectId, 'fairness')
    expect(later.contentSha256).not.toBe(s.contentSha256)
    expect(snapshotRows(f.ws, later.id).find((r) => r.pairId === f.pairs.win.id && r.label === 1)!.setId).toBe(f.pairs.win.setB)

    for (const sql of [
      'UPDATE snapshot_items SET label = -label WHERE snapshot_id = ?',
      'DELETE FROM snapshot_items WHERE snapshot_id = ?',
      "UPDATE snapshot_pairs SET outcome = 'a' WHERE snapshot_id = ?",
      'DELETE FROM snapshot_pairs WHERE snapshot_id = ?',
      "UPDATE preference_snapshots SET name = 'x' WHERE id = ?",
      'DELETE FROM preference_snapshots WHERE id = ?'
    ]) {
      expect(() => f.ws.db.prepare(sql).run(s.id), sql).toThrow(/immutable/)
    }
    expect(snapshotRows(f.ws, s.id)).toEqual(rowsBefore)
  })

  it('refuses a project without judgements and unknown ids with clear errors', () => {
    const empty = f.ws.projects.create('Empty', '').id
    expect(() => createSnapshot(f.ws, empty, 'fairness')).toThrow(/no fairness judgements yet/)
    expect(() => createSnapshot(f.ws, 9999, 'fairness')).toThrow(SnapshotError)
    expect(() => snapshotRows(f.ws, 9999)).toThrow(/snapshot 9999 does not exist/)
    // The quality criterion has its own (single) judgement.
    expect(createSnapshot(f.ws, f.projectId, 'quality').counts).toMatchObject({ pairsJudged: 1, pairsUsed: 1, judgements: 1 })
  })
})
