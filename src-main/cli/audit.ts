// Headless audit: samples each checkpoint on a prompt file with fixed seeds (or reads a folder of
// generated images), classifies every image, and writes the report (HTML, PDF, JSON, CSV).
//
//   npx tsx src-main/cli/audit.ts --prompts prompts.txt --images ./world-sample --out ./report
//   npx tsx src-main/cli/audit.ts --prompts prompts.txt --checkpoint base.ckpt --compare run.ckpt --seeds 0:100 --out ./report
//
// Run with --help for every option. Exit status: 0 done, 2 bad arguments, 1 anything else.
import { AUDIT_USAGE, parseAuditArgs, UsageError } from '../core/features/reports/cli-args'
import { runHeadlessAudit } from '../core/features/reports/headless'
import { createProgressBar } from '../core/features/reports/progress-bar'
import { processConfig } from './process-config'

async function main(): Promise<number> {
  let plan
  try {
    plan = parseAuditArgs(process.argv.slice(2), process.cwd())
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`audit: ${e.message}\n${AUDIT_USAGE}\n`)
      return 2
    }
    throw e
  }
  if (plan === 'help') {
    process.stdout.write(AUDIT_USAGE + '\n')
    return 0
  }
  const sink = createProgressBar(process.stderr)
  const started = Date.now()
  try {
    const result = await runHeadlessAudit(plan, sink, { resourcesDir: processConfig().resourcesDir })
    sink.line(`audited ${result.images} images of ${result.report.models.length} model(s) in ${((Date.now() - started) / 1000).toFixed(1)} s`)
    for (const f of result.files) process.stdout.write(f + '\n')
    return 0
  } catch (e) {
    sink.finish()
    process.stderr.write(`audit: ${(e as Error).message}\n`)
    return 1
  }
}

main().then(
  (code) => process.exit(code),
  (e) => {
    process.stderr.write(`audit: ${(e as Error).stack ?? String(e)}\n`)
    process.exit(1)
  }
)
