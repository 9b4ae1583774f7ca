#!/usr/bin/env bash
# GPU check of the onnxruntime training backend (issue 15): on a machine with an NVIDIA GPU, trains the
# base model's recipe for 200 steps on onnxruntime's CUDA execution provider and on the CPU, the two
# steps in turn with the same seed, and prints both loss curves window by window (the difference in
# standard errors), the wall time of each and their ratio (bench/loss-curve.bench.ts --against cuda).
#
#   bash scripts/gpu-check-ort.sh [--steps 200] [--window 20] [--write gpu-check.json]
#
# Needs: an NVIDIA driver, CUDA 12 and cuDNN 9 on the library path, and onnxruntime-node's CUDA files,
# which the project's .npmrc does not download; on a machine with internet access this script fetches
# them once with onnxruntime-node's own install option (README, "GPU training").
set -euo pipefail
cd "$(dirname "$0")/.."

steps=200
window=20
write=()
while [ $# -gt 0 ]; do
  case "$1" in
    --steps) steps="$2"; shift 2 ;;
    --window) window="$2"; shift 2 ;;
    --write) write=(--write "$2"); shift 2 ;;
    *) echo "usage: bash scripts/gpu-check-ort.sh [--steps N] [--window N] [--write FILE.json]" >&2; exit 2 ;;
  esac
done

if ! command -v nvidia-smi >/dev/null 2>&1 || ! nvidia-smi -L >/dev/null 2>&1; then
  echo "no NVIDIA GPU here (nvidia-smi finds none): the CUDA check needs one" >&2
  exit 1
fi
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader

bin="node_modules/onnxruntime-node/bin/napi-v6/linux/x64"
if [ ! -f "$bin/libonnxruntime_providers_cuda.so" ]; then
  echo "onnxruntime-node's CUDA files are not installed; fetching them (ONNXRUNTIME_NODE_INSTALL=cuda12 npm rebuild onnxruntime-node)"
  ONNXRUNTIME_NODE_INSTALL=cuda12 npm rebuild onnxruntime-node
fi

# The studio's own provider check first: it says in words why CUDA cannot start, if it cannot.
npx tsx -e "
import { resolveProvider, installedProviders } from './src-main/core/engine/onnx/providers'
for (const s of installedProviders()) console.log(\`\${s.label}: \${s.reason ?? 'installed'}\`)
resolveProvider('cuda').then(() => console.log('CUDA: a session starts'), (e) => { console.error(e.message); process.exit(1) })
"

npx tsx bench/loss-curve.bench.ts --against cuda --steps "$steps" --window "$window" --skip-finetune "${write[@]}"
