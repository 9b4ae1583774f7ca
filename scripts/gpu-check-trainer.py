#!/usr/bin/env python3
"""GPU check of the studio's trainer (issue 14): the tiny SD model, PopAlign with LoRA on the
lit-from-above toy preference, N steps (200 by default) on CUDA and the same run on the CPU; compares
the loss and implicit-accuracy curves and the time per step, and says whether the GPU run is sound.

Run it with the studio's managed environment on a machine with CUDA (and a CUDA build of torch there):

    ~/.popalign-studio/python-env/bin/python scripts/gpu-check-trainer.py [--steps 200] [--out DIR]
        [--mixed-precision no|bf16|fp16] [--cpu-steps N] [--json FILE]

Each run is the trainer's own command (python -m popalign_trainer.train --config run.json) in a process
of its own, the CPU one with CUDA hidden. What it checks, and why these tolerances:
- step 1 is log 2 on both devices (policy = reference before the first update) within 1e-5;
- the first 6 steps agree within 0.03 in fp32, as 2 CPU processes and 1 do (multiprocess.test.ts);
  kernels sum in different orders and Adam amplifies that, so later steps part (bf16/fp16 are not
  compared step by step);
- both runs learn: median loss of the last quarter below log 2, mean implicit accuracy of the last
  quarter above 0.6 (chance is 0.5; the median because single steps spike, see loop.test.ts);
- the GPU is faster per step than the CPU (reported, a failure only with --require-speedup).
Exit status 0 when every check passes, 1 when one fails, 2 when CUDA is not there (--smoke-without-cuda
runs both legs on the CPU instead, to check the script itself on a machine without a GPU).
"""
from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SOURCE = REPO / "resources" / "python"
sys.path.insert(0, str(SOURCE))

from popalign_trainer.tiny_models import build_tiny_sd  # noqa: E402
from popalign_trainer.toy import write_toy_preference  # noqa: E402

# The CI's learning settings (test/real-finetune/harness.ts TINY_SETTINGS), longer.
# A 10-step warm-up as in multiprocess.test.ts: without it Adam's first steps turn the cancellation noise
# of a preference gradient into +-lr steps, and two runs on the same CPU already part after step 2.
SETTINGS = dict(method="popalign", beta=50, alpha=0.5, captionDropout=0.0, pairsPerStep=4, learningRate=1e-2,
                warmupSteps=10, seed=3, lora={"rank": 4, "alpha": 4, "layers": "all"}, resolution=64, logEvery=1)


def run(name: str, work: Path, model: Path, data: Path, steps: int, cpu: bool, mixed: str) -> dict:
    out = work / name
    cfg = {**SETTINGS, "model": str(model), "data": str(data), "output": str(out), "steps": steps,
           "checkpointEvery": steps, "mixedPrecision": mixed, "cpu": cpu}
    cfg_path = work / f"{name}.json"
    cfg_path.write_text(json.dumps(cfg, indent=1))
    env = {**os.environ, "PYTHONPATH": str(SOURCE), "HF_HUB_OFFLINE": "1"}
    if cpu:
        env["CUDA_VISIBLE_DEVICES"] = ""
    t0 = time.time()
    proc = subprocess.run([sys.executable, "-m", "popalign_trainer.train", "--config", str(cfg_path)], env=env,
                          capture_output=True, text=True)
    wall = time.time() - t0
    events = [json.loads(ln) for ln in proc.stdout.splitlines() if ln.startswith("{")]
    if proc.returncode != 0:
        raise SystemExit(f"{name} run failed (exit {proc.returncode}):\n{proc.stderr[-3000:]}")
    start = next(e for e in events if e["event"] == "start")
    steps_ev = [e for e in events if e["event"] == "step"]
    return {"name": name, "device": start["device"], "wallSeconds": wall, "itPerSec": steps_ev[-1]["itPerSec"],
            "loss": [e["loss"] for e in steps_ev], "acc": [e["implicitAccuracy"] for e in steps_ev], "versions": start["versions"]}


def quarter(xs: list[float], stat=statistics.mean) -> float:
    return stat(xs[-max(1, len(xs) // 4):])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--steps", type=int, default=200)
    ap.add_argument("--cpu-steps", type=int, default=None, help="steps of the CPU run (default: --steps)")
    ap.add_argument("--mixed-precision", default="no", choices=["no", "bf16", "fp16"])
    ap.add_argument("--out", default=None, help="work folder (default: a temporary one)")
    ap.add_argument("--json", default=None, help="write the comparison here")
    ap.add_argument("--require-speedup", action="store_true")
    ap.add_argument("--smoke-without-cuda", action="store_true", help="no CUDA: run the 'cuda' leg on the CPU too (checks this script, not a GPU)")
    a = ap.parse_args()

    import torch

    smoke = a.smoke_without_cuda and not torch.cuda.is_available()
    if not torch.cuda.is_available() and not smoke:
        print(f"CUDA is not available to torch {torch.__version__} here; install a CUDA build of torch in this environment", file=sys.stderr)
        return 2
    work = Path(a.out or tempfile.mkdtemp(prefix="popalign-gpu-check-"))
    work.mkdir(parents=True, exist_ok=True)
    model = build_tiny_sd(work / "tiny-sd")
    data = write_toy_preference(work / "toy")
    gpu = run("cuda", work, model, data, a.steps, cpu=smoke, mixed=a.mixed_precision)
    cpu = run("cpu", work, model, data, a.cpu_steps or a.steps, cpu=True, mixed="no" if a.mixed_precision == "fp16" else a.mixed_precision)

    checks: list[tuple[str, bool, str]] = []
    for r in (gpu, cpu):
        checks.append((f"{r['name']}: step 1 is log 2", abs(r["loss"][0] - math.log(2)) < 1e-5, f"{r['loss'][0]:.6f}"))
        q_loss, q_acc = quarter(r["loss"], statistics.median), quarter(r["acc"])
        checks.append((f"{r['name']}: last-quarter median loss < log 2", q_loss < math.log(2), f"{q_loss:.4f}"))
        checks.append((f"{r['name']}: last-quarter implicit accuracy > 0.6", q_acc > 0.6, f"{q_acc:.3f}"))
    n = min(6, len(gpu["loss"]), len(cpu["loss"]))
    early = max(abs(g - c) for g, c in zip(gpu["loss"][:n], cpu["loss"][:n]))
    if a.mixed_precision == "no":
        checks.append((f"first {n} steps agree within 0.03 (fp32)", early < 0.03, f"worst {early:.2e}"))
    speedup = gpu["itPerSec"] / cpu["itPerSec"] if cpu["itPerSec"] > 0 else float("inf")
    checks.append(("GPU faster per step than CPU", speedup > 1 or not a.require_speedup, f"{speedup:.1f}x"))

    where = "the CPU (smoke run, no CUDA)" if smoke else torch.cuda.get_device_name(0)
    print(f"torch {gpu['versions']['torch']} on {where}; {a.steps} steps, mixed precision {a.mixed_precision}")
    for r in (gpu, cpu):
        print(f"  {r['name']:>4} ({r['device']}): {r['itPerSec']:.2f} it/s, {r['wallSeconds']:.1f} s in all; loss first {r['loss'][0]:.4f} "
              f"last-quarter median {quarter(r['loss'], statistics.median):.4f}; implicit accuracy last-quarter {quarter(r['acc']):.3f}")
    width = max(len(c[0]) for c in checks)
    for name, ok, detail in checks:
        print(f"  {'ok  ' if ok else 'FAIL'} {name:<{width}}  {detail}")
    if a.json:
        Path(a.json).write_text(json.dumps({"gpu": gpu, "cpu": cpu, "speedup": speedup,
                                            "checks": [{"check": c, "ok": ok, "detail": d} for c, ok, d in checks]}, indent=1))
    return 0 if all(ok for _, ok, _ in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
