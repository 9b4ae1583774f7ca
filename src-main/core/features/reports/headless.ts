// The headless audit behind src-main/cli/audit.ts: sample each checkpoint on the prompt file with fixed
// seeds (or read a folder of generated images), classify every image, build the report with its
// lineage and write the chosen files. Progress and warnings go to a ProgressSink; nothing is skipped
// without a line saying so.
import { existsSync, statSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'
import type { Report } from './figures/report-model'
import type { AuditModel, FidelityEvidence, Lineage } from './figures/types'
import { writeReportFiles } from './writers/write-report-files'
import { classifierLineage, errorClassification, type Classification, type ImageClassifier } from '../../classifier/classifier'
import { openClassifier } from '../../classifier/open'
import { readRunRecord } from '../models/run-record'
import { sampleCheckpoint } from './checkpoint-source'
import type { AuditCliPlan } from './cli-args'
import { composeReport, exemplarIds, uniqueIds, type AuditSource } from './compose'
import { folderSource, type SourceImage } from './folder-source'
import type { ProgressSink } from './progress-bar'
import { promptIds, readPromptFile } from './prompt-file'
import { recordLineage } from './run-lineage'
import { pictureOptions } from './thumbnails'
import { worldReference } from './world-reference'
import { openWorldFidelity } from './world-fidelity'
import { imageSetOrigin } from './image-origin'

/** Images classified per runner call. */
const CLASSIFY_BATCH = 256
/** Reference renders per prompt for the Frechet distance (capped: more adds time, not precision). */
const REFERENCE_PER_PROMPT = 100

export interface HeadlessResult {
  report: Report
  files: string[]
  images: number
}

export async function runHeadlessAudit(plan: AuditCliPlan, sink: ProgressSink, opts: { resourcesDir: string; createdAt?: string }): Promise<HeadlessResult> {
  const prompts = readPromptFile(plan.prompts)
  const ids = promptIds(prompts)
  checkInputs(plan)
  const classifier = await openPlanClassifier(plan, opts.resourcesDir)
  try {
    const raw: { model: AuditModel; images: SourceImage[] }[] = []
    if (plan.source === 'images') {
      const src = await folderSource(plan.folder, prompts)
      if (src.otherPrompts > 0) sink.line(`note: ${src.otherPrompts} image(s) in the folder belong to prompts not in the prompt file and are not audited`)
      if (src.withoutPrompt > 0) sink.line(`note: ${src.withoutPrompt} image file(s) have no prompt (no sidecar .json or CSV row) and are not audited`)
      for (const p of src.emptyPrompts) sink.line(`note: no image of prompt "${p}" in the folder`)
      const name = basename(src.folder)
      raw.push({
        model: {
          id: uniqueIds([name])[0],
          label: `images in ${name}`,
          lineage: lineageOf(plan, classifier, prompts, {
            checkpoint: null,
            seeds: src.seeds,
            sampler: null,
            steps: null,
            guidance: null,
            run: src.generators.length ? `generator: ${src.generators.join(', ')}` : null,
            // Outside a workspace a run is known only by its job number.
            origin: imageSetOrigin(src.origins, () => null)
          })
        },
        images: src.images
      })
    } else {
      const modelIds = uniqueIds(plan.checkpoints.map((c) => basename(c).replace(/\.ckpt$/, '')))
      for (let k = 0; k < plan.checkpoints.length; k++) {
        const checkpoint = plan.checkpoints[k]
        const id = modelIds[k]
        const sampled = await sampleCheckpoint({
          checkpoint,
          size: plan.size,
          prompts,
          settings: { seeds: plan.seeds, steps: plan.steps, sampler: plan.sampler, guidance: plan.guidance },
          dir: join(plan.out, 'images', id),
          idRoot: plan.out,
          onProgress: (done, total) => sink.update(`sampling ${id}`, done, total),
          onFallback: (reason) => sink.line(`note: onnxruntime-node unavailable, sampling with tfjs: ${reason}`)
        })
        // A checkpoint inside a run folder carries that run's record; state it in the lineage.
        const record = readRunRecord(dirname(checkpoint))
        const recorded = record && sampled.step !== null ? recordLineage(record, sampled.step) : null
        raw.push({
          model: {
            id,
            label: sampled.step === null ? `${id} (Stable Diffusion)` : `${id} (step ${sampled.step})`,
            lineage: {
              ...lineageOf(plan, classifier, prompts, {
                checkpoint,
                run: recorded?.run ?? null,
                seeds: plan.seeds,
                sampler: `${plan.sampler} ${plan.steps} steps (${sampled.backend})`,
                steps: plan.steps,
                guidance: plan.guidance
              }),
              training: recorded?.training ?? null
            }
          },
          images: sampled.images
        })
      }
    }

    const total = raw.reduce((n, r) => n + r.images.length, 0)
    let done = 0
    const sources: AuditSource[] = []
    const fidelity = await openWorldFidelity(classifier)
    const evidence = new Map<string, FidelityEvidence>()
    for (const r of raw) {
      const classifications = await classifyImages(classifier, r.images, (n) => sink.update('classifying', (done += n), total))
      await fidelity?.evidenceForFiles(
        r.images.map((img, i) => ({ imageId: img.id, promptText: prompts[img.promptIndex], path: img.path, classification: classifications[i] })),
        evidence
      )
      sources.push({
        model: r.model,
        images: r.images.map((img) => ({ imageId: img.id, promptId: ids[img.promptIndex], promptText: prompts[img.promptIndex] })),
        classifications
      })
    }
    sink.update('classifying', total, total)

    sink.update('building the report', 0, 1)
    const perPrompt = Math.min(REFERENCE_PER_PROMPT, Math.max(...raw.map((r) => Math.ceil(r.images.length / prompts.length))))
    const reference = await worldReference(classifier, prompts, perPrompt)
    const { report } = composeReport({
      title: plan.title ?? `Audit of ${raw.map((r) => r.model.label).join(' vs ')} on ${basename(plan.prompts)}`,
      createdAt: opts.createdAt ?? new Date().toISOString(),
      axes: classifier.axes,
      concepts: classifier.concepts,
      sources,
      reference,
      fidelity: fidelity ? { scale: fidelity.scale, evidence } : null,
      bootstrap: { resamples: plan.resamples, seed: 0 }
    })
    sink.update('building the report', 1, 1)

    const byId = new Map(raw.flatMap((r) => r.images.map((i) => [i.id, i.path] as const)))
    const pictures = await pictureOptions(
      exemplarIds(report).map((id) => ({ id, path: byId.get(id) ?? null })),
      plan.formats
    )
    const files = await writeReportFiles(plan.out, report, { formats: plan.formats, ...pictures })
    sink.finish()
    return { report, files, images: total }
  } finally {
    await classifier.dispose()
  }
}

function checkInputs(plan: AuditCliPlan): void {
  if (plan.source === 'images') {
    if (!existsSync(plan.folder) || !statSync(plan.folder).isDirectory()) throw new Error(`--images ${plan.folder} is not a folder`)
  } else {
    // A checkpoint file, or a Stable Diffusion export folder (the sampler names what such a folder lacks).
    for (const c of plan.checkpoints) if (!existsSync(c)) throw new Error(`checkpoint ${c} does not exist`)
  }
  if (existsSync(plan.out) && !statSync(plan.out).isDirectory()) throw new Error(`--out ${plan.out} exists and is not a folder`)
  if (typeof plan.classifier === 'object') {
    for (const f of [plan.classifier.mappingPath, plan.classifier.onnxPath]) if (f !== undefined && !existsSync(f)) throw new Error(`classifier file ${f} does not exist`)
  }
}

async function openPlanClassifier(plan: AuditCliPlan, resourcesDir: string): Promise<ImageClassifier> {
  try {
    return await openClassifier(plan.classifier, resourcesDir)
  } catch (e) {
    throw new Error(`cannot load the classifier: ${(e as Error).message}`)
  }
}

/** Classifies in batches; images the manifest already rejected get 'error' without being read. */
export async function classifyImages(classifier: ImageClassifier, images: readonly SourceImage[], onBatch: (n: number) => void): Promise<Classification[]> {
  const out = new Array<Classification>(images.length)
  for (let start = 0; start < images.length; start += CLASSIFY_BATCH) {
    const batch = images.slice(start, start + CLASSIFY_BATCH)
    const readable = batch.map((img, i) => ({ img, i })).filter(({ img }) => img.path !== null)
    const results = await classifier.classifyFiles(readable.map(({ img }) => img.path as string))
    readable.forEach(({ i }, k) => (out[start + i] = results[k]))
    batch.forEach((img, i) => {
      if (img.path === null) out[start + i] = errorClassification(img.problem ?? 'unreadable')
    })
    onBatch(batch.length)
  }
  return out
}

function lineageOf(
  plan: AuditCliPlan,
  classifier: ImageClassifier,
  promptTexts: readonly string[],
  over: Pick<Lineage, 'checkpoint' | 'run' | 'seeds' | 'sampler' | 'steps' | 'guidance' | 'origin'>
): Lineage {
  return {
    snapshot: null,
    annotators: [],
    agreement: null,
    classifier: classifierLineage(classifier),
    prompts: plan.prompts,
    promptTexts: [...promptTexts],
    ...over
  }
}
