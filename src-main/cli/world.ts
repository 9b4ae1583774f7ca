// Renders a folder of Synthetic Population images in the PopAlignSDXL layout (PNG + sidecar JSON),
// ready for the studio's folder import.
//
//   npx tsx src-main/cli/world.ts --out DIR [--n 200] [--concept doctor[,nurse...] | --prompt "a photo of a round teal doctor"]
//                                 [--seed 1] [--bias sdxl|uniform] [--size 16] [--scale 4]
//
// --n is the number of images per prompt. Without --concept or --prompt, every concept's neutral
// prompt is rendered. Attributes a prompt does not name follow the bias (SDXL-like by default).

import { resolve } from 'node:path'
import { resolveWorldBias, uniformBias } from '../core/world/bias'
import { neutralPrompt, neutralPromptSet } from '../core/world/prompts'
import { writeWorldSample } from '../core/world/sample-folder'
import { CONCEPTS, isConcept } from '../core/world/taxonomy'
import { parseFlags } from './flags'

const FLAGS = ['out', 'n', 'concept', 'prompt', 'seed', 'bias', 'size', 'scale'] as const
type Flag = (typeof FLAGS)[number]

function usage(): string {
  return 'usage: world --out DIR [--n 200] [--concept NAME[,NAME...] | --prompt TEXT] [--seed 1] [--bias sdxl|uniform] [--size 16] [--scale 4]'
}

function parseArgs(argv: string[]): Partial<Record<Flag, string>> {
  return parseFlags(argv, { values: FLAGS }, usage())
}

function intFlag(value: string | undefined, name: string, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback
  const v = Number(value)
  if (!Number.isSafeInteger(v) || v < min || v > max) throw new Error(`--${name} must be an integer in [${min}, ${max}], got "${value}"`)
  return v
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2))
  if (!args.out) throw new Error(`--out is required\n${usage()}`)
  if (args.concept && args.prompt) throw new Error('give --concept or --prompt, not both')
  const concepts = args.concept ? args.concept.split(',').map((c) => c.trim()) : []
  for (const c of concepts) if (!isConcept(c)) throw new Error(`unknown concept "${c}"; expected one of ${CONCEPTS.join(', ')}`)
  if (args.bias && args.bias !== 'sdxl' && args.bias !== 'uniform') throw new Error(`--bias must be sdxl or uniform, got "${args.bias}"`)
  const prompts = args.prompt ? [args.prompt] : concepts.length > 0 ? concepts.filter(isConcept).map((c) => neutralPrompt(c)) : neutralPromptSet()
  const outDir = resolve(args.out)
  const total = prompts.length * intFlag(args.n, 'n', 200, 1, 100000)
  let lastShown = 0
  const written = await writeWorldSample({
    outDir,
    prompts,
    perPrompt: intFlag(args.n, 'n', 200, 1, 100000),
    seed: intFlag(args.seed, 'seed', 1, 0, 2 ** 31 - 1),
    bias: args.bias === 'uniform' ? uniformBias() : resolveWorldBias(),
    imageSize: intFlag(args.size, 'size', 16, 8, 256),
    scale: intFlag(args.scale, 'scale', 4, 1, 16),
    onImage: (done) => {
      if (done - lastShown >= 100 || done === total) {
        lastShown = done
        process.stdout.write(`\r${done}/${total} images`)
      }
    }
  })
  process.stdout.write('\n')
  console.log(`wrote ${written.length} images (${prompts.length} prompt${prompts.length === 1 ? '' : 's'}) to ${outDir}`)
}

main().catch((e: unknown) => {
  console.error(`world: ${e instanceof Error ? e.message : String(e)}`)
  process.exit(1)
})
