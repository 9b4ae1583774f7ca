// Child process for crash.test.ts: commits judgements (and, now and then, a multi-row set) as fast
// as it can, printing each acknowledged commit, until the parent SIGKILLs it. Run with
// `node --import tsx crash-child.ts <db file>`. Only the db layer is imported (no path aliases).
import { openWorkspace } from '../../src-main/core/store/open'

const file = process.argv[2]
if (!file) throw new Error('usage: crash-child.ts <db file>')
const ws = openWorkspace(file)
const project = ws.projects.list()[0]
const prompt = ws.prompts.list(project.id)[0]
const images = ws.images.idsOfPrompt(prompt.id)
const owner = ws.annotators.owner()
process.stdout.write('ready\n')

let n = 0
for (const criterion of ['fairness', 'quality'] as const) {
  for (const pair of ws.pairs.list(project.id)) {
    const key = `crash-${pair.id}-${criterion}`
    const { judgement } = ws.judgements.record({ pairId: pair.id, annotatorId: owner.id, criterion, choice: n % 2 ? 'a' : 'b', shownLeft: 'a', responseMs: n, idempotencyKey: key })
    // Pipes are written synchronously on Linux, so a printed line is a line the parent will read.
    process.stdout.write(`ack ${judgement.id} ${key}\n`)
    if (++n % 5 === 0) {
      const set = ws.sets.create(project.id, prompt.id, 'manual', images.slice(n % 8, (n % 8) + 4))
      process.stdout.write(`set ${set.id}\n`)
    }
  }
}
process.stdout.write('exhausted\n')
