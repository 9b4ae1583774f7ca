// Prints how the quality figures respond to deliberate damage and to the attribute mix (the table in
// docs/quality.md): clean renders, noise / blur / colour cast at three strengths, and a strongly
// biased clean set, each with the pixel and feature fidelity gaps and the old Frechet figure.
//   npm run fidelity-check -- [--images 160]
import { parseArgs } from 'node:util'
import { openClassifier } from '../core/classifier/open'
import { fidelityResponse } from '../core/features/reports/fidelity-check'
import { openWorldFidelity } from '../core/features/reports/world-fidelity'
import type { Estimate } from '../core/features/reports/figures/report-model'
import { processConfig } from './process-config'

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { images: { type: 'string', default: '160' } } })
  const count = Number(values.images)
  if (!Number.isInteger(count) || count < 8) throw new Error(`--images must be an integer of at least 8, got ${values.images}`)
  const classifier = await openClassifier('builtin', processConfig().resourcesDir)
  try {
    const fidelity = await openWorldFidelity(classifier)
    if (!fidelity) throw new Error('the built-in classifier could not be opened for the fidelity check')
    const rows = await fidelityResponse(classifier, fidelity, count)
    const f = (e: Estimate): string => `${(e.value as number).toFixed(2)} [${(e.ciLow as number).toFixed(2)}, ${(e.ciHigh as number).toFixed(2)}]`
    console.log(`${count} images per set; 95% intervals (estimate +- 1.96 bootstrap SE, 200 resamples)\n`)
    console.log('| set | pixel fidelity gap | feature fidelity gap | Frechet to fair renders |')
    console.log('|---|---|---|---|')
    for (const r of rows) console.log(`| ${r.label} | ${f(r.figures.pixels)} | ${f(r.figures.features)} | ${r.figures.frechetToFair.toFixed(2)} |`)
  } finally {
    await classifier.dispose()
  }
}

main().catch((e: unknown) => {
  console.error(`fidelity-check: ${(e as Error).message}`)
  process.exit(1)
})
