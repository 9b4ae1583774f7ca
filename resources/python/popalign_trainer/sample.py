"""Samples images from a diffusers model folder, with a fine-tuned LoRA or UNet on top, into a folder the
studio imports and audits.

    python -m popalign_trainer.sample --model DIR [--lora FILE | --unet DIR] --prompts FILE --seeds 0:4 --out DIR
        [--steps 20] [--guidance 7.5] [--resolution 512] [--provenance JSON]

Why a script in the trainer's environment rather than an ONNX export for the studio's own sampler: the
pipeline that samples is diffusers' own, with the same LoRA loading code that the field uses and that
the trainer wrote the weights for (no fusing or graph export that could drift from what was trained),
it works for SD 1.x/2.x and SDXL alike, and it needs nothing beyond the pinned requirements (an ONNX
export would add the exporter packages to every install).

The folder is laid out as PopAlignSDXL's generator lays out its images, which the studio's import and
its folder audit already read: img_{uuid5(prompt)}_seed_{seed}_{i}.png with a sidecar .json holding
file_path, prompt and the provenance (model, weights and their hash, sampler settings, and whatever the
studio passes in --provenance, e.g. the run it came from).

stdout: one JSON object per line ({"event": "start"|"image"|"done"|"error", ...}), as the trainer's.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import uuid
from pathlib import Path

from .data import file_sha256
from .train import emit


def parse_seeds(text: str) -> list[int]:
    """A:B is A..B-1; otherwise a comma list (the audit CLI's --seeds)."""
    try:
        if ":" in text:
            a, b = (int(v) for v in text.split(":", 1))
            seeds = list(range(a, b))
        else:
            seeds = [int(v) for v in text.split(",") if v.strip()]
    except ValueError as err:
        raise ValueError(f"--seeds must be A:B or a comma list of whole numbers, got {text!r}") from err
    if not seeds or min(seeds) < 0:
        raise ValueError(f"--seeds names no seed >= 0: {text!r}")
    return seeds


def read_prompts(path: str) -> list[str]:
    """One prompt per line; blank lines and # comments ignored (the audit's prompt file)."""
    lines = [ln.strip() for ln in Path(path).read_text(encoding="utf-8").splitlines()]
    prompts = [ln for ln in lines if ln and not ln.startswith("#")]
    if not prompts:
        raise ValueError(f"{path} holds no prompt")
    return prompts


def image_name(prompt: str, seed: int, index: int) -> str:
    # PopAlignSDXL's naming, with uuid5 in the DNS namespace as the studio's world renders use it
    # (src-main/core/world/sample-folder.ts), so one prompt has one uuid in every folder.
    return f"img_{uuid.uuid5(uuid.NAMESPACE_DNS, prompt)}_seed_{seed}_{index}.png"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Sample a diffusers model (plus a fine-tuned LoRA or UNet) into an importable folder")
    ap.add_argument("--model", required=True, help="diffusers model folder")
    weights = ap.add_mutually_exclusive_group()
    weights.add_argument("--lora", help="LoRA weights (pytorch_lora_weights.safetensors) the trainer wrote")
    weights.add_argument("--unet", help="a fully fine-tuned UNet folder the trainer wrote")
    ap.add_argument("--prompts", required=True, help="one prompt per line")
    ap.add_argument("--seeds", default="0:4")
    ap.add_argument("--out", required=True)
    ap.add_argument("--steps", type=int, default=20)
    ap.add_argument("--guidance", type=float, default=7.5)
    ap.add_argument("--resolution", type=int, default=None, help="default: the model's own sample size")
    ap.add_argument("--provenance", default="{}", help="JSON object added to every sidecar")
    ap.add_argument("--cpu", action="store_true", help="sample on the CPU even where CUDA is present")
    args = ap.parse_args(argv)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    try:
        return sample(args)
    except Exception as err:  # noqa: BLE001 - reported to the studio as one line, then re-raised
        emit({"event": "error", "message": f"{type(err).__name__}: {err}"})
        raise


def sample(args) -> int:
    extra = json.loads(args.provenance)
    if not isinstance(extra, dict):
        raise ValueError("--provenance must be a JSON object")
    if args.steps < 1:
        raise ValueError(f"--steps must be >= 1, got {args.steps}")
    prompts = read_prompts(args.prompts)
    seeds = parse_seeds(args.seeds)
    model = Path(args.model)
    if not (model / "model_index.json").is_file():
        raise ValueError(f"{model} is not a diffusers model folder (no model_index.json)")

    import torch
    from diffusers import StableDiffusionPipeline, StableDiffusionXLPipeline, UNet2DConditionModel

    sdxl = "text_encoder_2" in json.loads((model / "model_index.json").read_text())
    kw = {}
    if args.unet:
        kw["unet"] = UNet2DConditionModel.from_pretrained(args.unet)
    pipe_cls = StableDiffusionXLPipeline if sdxl else StableDiffusionPipeline
    extra_kw = {} if sdxl else {"safety_checker": None, "requires_safety_checker": False}
    pipe = pipe_cls.from_pretrained(str(model), **kw, **extra_kw)
    weights = None
    if args.lora:
        lora = Path(args.lora)
        if not lora.is_file():
            raise ValueError(f"LoRA weights {lora} not found")
        pipe.load_lora_weights(str(lora.parent), weight_name=lora.name)
        # diffusers only warns when keys of the file match no layer of the UNet (or when a file mixes
        # key formats and some layers are dropped); sampling another model than the fine-tune under
        # its name would be worse than failing.
        from safetensors import safe_open

        with safe_open(str(lora), framework="pt") as f:
            in_file = {k.rsplit(".lora", 1)[0] for k in f.keys() if k.startswith("unet.")}
        loaded = sum(1 for _, m in pipe.unet.named_modules() if hasattr(m, "lora_A") and len(m.lora_A) > 0)
        if not in_file or loaded != len(in_file):
            raise ValueError(f"{lora} adapts {len(in_file)} UNet layers but {loaded} were loaded; it does not fit this model")
        weights = {"kind": "lora", "path": str(lora), "sha256": file_sha256(lora), "layers": loaded}
    elif args.unet:
        weights = {"kind": "unet", "path": args.unet, "sha256": file_sha256(Path(args.unet) / "diffusion_pytorch_model.safetensors")}
    device = "cuda" if torch.cuda.is_available() and not args.cpu else "cpu"
    pipe.to(device)
    pipe.set_progress_bar_config(disable=True)
    size = args.resolution or int(pipe.unet.config.sample_size) * pipe.vae_scale_factor
    if size % 8:
        raise ValueError(f"--resolution must be a multiple of 8, got {size}")

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    scheduler = type(pipe.scheduler).__name__
    emit({"event": "start", "images": len(prompts) * len(seeds), "device": device, "sdxl": sdxl, "weights": weights, "scheduler": scheduler})
    n = 0
    for prompt in prompts:
        for i, seed in enumerate(seeds):
            # The seed alone fixes the image: the initial latents come from a generator seeded with it.
            g = torch.Generator(device="cpu").manual_seed(seed)
            image = pipe(prompt, num_inference_steps=args.steps, guidance_scale=args.guidance, generator=g, height=size, width=size).images[0]
            name = image_name(prompt, seed, i)
            image.save(out / name)
            sidecar = {**extra, "file_path": name, "prompt": prompt, "seed": seed, "generator": "popalign_trainer.sample",
                       "model": str(model), "weights": weights, "scheduler": scheduler, "steps": args.steps,
                       "guidance": args.guidance, "resolution": size}
            (out / name).with_suffix(".json").write_text(json.dumps(sidecar, indent=1) + "\n", encoding="utf-8")
            n += 1
            emit({"event": "image", "done": n, "file": name, "prompt": prompt, "seed": seed})
    emit({"event": "done", "images": n, "out": str(out)})
    return 0


if __name__ == "__main__":
    sys.exit(main())
