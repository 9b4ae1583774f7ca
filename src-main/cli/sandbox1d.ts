// The paper's 1-D experiment (Fig. 3): trains PopAlign and SFT from the three-Gaussian reference
// on preference data without G2 and prints the fitted mixture parameters.
//
//   npx tsx src-main/cli/sandbox1d.ts [--beta 1] [--alpha 0.5] [--steps 2000] [--seed 0] [--json]
//
// Every fitted model is marked healthy or DEGENERATE (a weight gone to 0, a σ exploded or collapsed).
// --alpha-check trains PopAlign at α = 0.25 (or --alpha) in both variants over --seeds and says
// whether the paper's "α = 0.25 diverges" (App. F) happens in the default variant or only in the
// likelihood one:
//
//   npx tsx src-main/cli/sandbox1d.ts --alpha-check [--seeds 0,1,2] [--steps 2000]

import { runAlphaCheck, runSandboxExperiment } from '../core/engine/sandbox1d/experiment'
import { formatAlphaCheck, formatSandboxReport, parseSandboxArgs, SANDBOX_USAGE } from '../core/engine/sandbox1d/report'

function main(): void {
  const args = parseSandboxArgs(process.argv.slice(2))
  if (args.help) {
    console.log(SANDBOX_USAGE)
    return
  }
  if (args.alphaCheck) {
    const check = runAlphaCheck({ alpha: args.alpha ?? 0.25, beta: args.beta, steps: args.steps, seeds: args.seeds })
    console.log(args.json ? JSON.stringify(check) : formatAlphaCheck(check))
    return
  }
  if (args.seeds) throw new Error('--seeds goes with --alpha-check; a single run takes --seed')
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
