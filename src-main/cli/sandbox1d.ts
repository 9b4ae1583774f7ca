// The paper's 1-D experiment (Fig. 3): trains PopAlign and SFT from the three-Gaussian reference
// on preference data without G2 and prints the fitted mixture parameters.
//
//   npx tsx src-main/cli/sandbox1d.ts [--beta 1] [--alpha 0.5] [--steps 2000] [--seed 0] [--json]

import { runSandboxExperiment } from '../core/engine/sandbox1d/experiment'
import { formatSandboxReport, parseSandboxArgs, SANDBOX_USAGE } from '../core/engine/sandbox1d/report'

function main(): void {
  const args = parseSandboxArgs(process.argv.slice(2))
  if (args.help) {
    console.log(SANDBOX_USAGE)
    return
  }
  const result = runSandboxExperiment(args)
  if (args.json) {
    const plain = {
      ...result,
      densities: Object.fromEntries(Object.entries(result.densities).map(([k, v]) => [k, Array.from(v)]))
    }
    console.log(JSON.stringify(plain))
  } else {
    console.log(formatSandboxReport(result))
  }
}

try {
  main()
} catch (e: unknown) {
  console.error(`sandbox1d: ${e instanceof Error ? e.message : String(e)}`)
  process.exit(1)
}
