// The README's "Fine-tuning real models" section gives the exact commands and files the studio runs and
// writes: its trainer-run.json and accelerate.yaml for the Paper recipe, the DeepSpeed section, the
// training command with its environment variables, and the sampling command, each compared with what
// the code generates, so the README cannot drift from the studio.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { accelerateConfig, launchCommand, parseRealSettings, runFile } from '../../src-main/core/features/fine-tuning/real/settings'
import { sampleCommand } from '../../src-main/core/features/fine-tuning/real/sample'
import { trainerEnv } from '../../src-main/core/python-env'
import { REAL_FINETUNE_PRESETS } from '../../src-main/shared/real-finetune-presets'

const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8')
const section = readme.slice(readme.indexOf('## Fine-tuning real models'))

/** The first fenced block of `lang` after `marker` in the section. */
function block(marker: string, lang = ''): string {
  const from = section.indexOf(marker)
  if (from < 0) throw new Error(`README has no "${marker}"`)
  const m = new RegExp('```' + lang + '\\n([\\s\\S]*?)```').exec(section.slice(from))
  if (!m) throw new Error(`README has no \`\`\`${lang} block after "${marker}"`)
  return m[1]
}
/** A shell block as one line: continuation backslashes joined, runs of spaces as one. */
const oneLine = (text: string): string =>
  text
    .replace(/\\\n/g, ' ')
    .replace(/[ \t]+/g, ' ')
    .trim()

const ENV = '~/.popalign-studio/python-env'
const RUN = '<workspace>/runs/<job>'
const paper = parseRealSettings(REAL_FINETUNE_PRESETS.paper.settings)

describe.skipIf(process.platform === 'win32')('README: real-model fine-tuning', () => {
  it('shows the trainer-run.json and accelerate.yaml the studio writes for the Paper recipe', () => {
    const paths = { model: '/models/stable-diffusion-xl-base-1.0', data: `${RUN}/data/annotation_train.csv`, output: `${RUN}/trainer` }
    expect(JSON.parse(block('**SDXL on your GPU with your labels.**', 'json'))).toEqual(runFile(paper, paths))
    expect(block('**SDXL on your GPU with your labels.**', 'yaml')).toBe(accelerateConfig(paper))
    expect(accelerateConfig({ ...paper, deepspeedStage: 2 })).toContain(block('**DeepSpeed, where installed.**', 'yaml'))
  })

  it('gives the training command with the variables the studio sets', () => {
    const cmd = launchCommand(ENV, RUN)
    const vars = Object.keys(trainerEnv('<resources>/python', {})).map((k) => `${k}=${trainerEnv('<resources>/python', {})[k]}`)
    const lines = block('**A run.**').trim().split('\n')
    expect(lines[0]).toBe('cd <resources>/python')
    expect(oneLine(lines.slice(1).join('\n'))).toBe([...vars, 'HF_HUB_OFFLINE=1', cmd.command, ...cmd.args].join(' '))
  })

  it('gives the sampling command of a set sampled from the screen', () => {
    const weights = { step: 750, kind: 'lora' as const, path: `${RUN}/trainer/lora/pytorch_lora_weights.safetensors`, sha256: null }
    const cmd = sampleCommand(ENV, {
      model: '<model folder>',
      weights,
      prompts: `${RUN}/samples/job-<id>.prompts.txt`,
      seeds: [0, 1, 2, 3],
      out: `${RUN}/samples/job-<id>`,
      steps: 20,
      guidance: 7.5,
      provenance: {}
    })
    const args = cmd.args.slice(0, -1).concat(["'<json>'"])
    expect(oneLine(block('**Sampling and auditing a fine-tune.**'))).toBe([cmd.command, ...args].join(' '))
  })
})
