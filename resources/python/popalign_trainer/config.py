"""The run file (run.json) the studio writes for the trainer, validated field by field so a bad value
fails naming the field. Keys are camelCase, as in the studio's TypeScript."""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Optional

from .losses import LOSS_WEIGHTINGS, METHODS


# Which UNet modules a LoRA adapts, by name (PEFT matches module-name suffixes; the names are
# diffusers' for UNet2DConditionModel, SD and SDXL alike).
LORA_LAYERS = {
    # The attention projections, where LoRA fine-tunes of SD usually go (diffusers' LoRA examples).
    "attention": ["to_q", "to_k", "to_v", "to_out.0"],
    # Every linear and convolution layer of the UNet ("LoCon"): the attention projections, the
    # transformer blocks' projections and feed-forward, the ResNet blocks' convolutions and time
    # projections, the first and last convolution. On a small UNet the attention alone hardly moves
    # the image statistics a preference is about (test/real-finetune: the tiny model learns the toy
    # preference with these layers within 20 steps, not with the attention alone).
    "all": ["to_q", "to_k", "to_v", "to_out.0", "proj_in", "proj_out", "ff.net.0.proj", "ff.net.2",
            "conv1", "conv2", "conv_shortcut", "time_emb_proj", "conv_in", "conv_out"],
}


@dataclass
class LoraSettings:
    rank: int = 8
    alpha: float = 8.0
    layers: str = "attention"
    # Module names to adapt; None: those of `layers`.
    targets: Optional[list] = None

    def target_modules(self) -> list:
        return list(self.targets) if self.targets else list(LORA_LAYERS[self.layers])


@dataclass
class RunConfig:
    model: str
    data: str
    output: str
    dataFormat: Optional[str] = None
    method: str = "popalign"
    beta: float = 5000.0
    alpha: float = 0.5
    normalizer: str = "mixture"
    weighting: str = "constant"
    minSnrGamma: float = 5.0
    maxSnr: Optional[float] = None
    captionDropout: float = 0.2
    # Timesteps are drawn uniformly from [min, max] (inclusive); None: the whole schedule. A
    # refiner trains on the low-noise end only (Diffusion-DPO's SDXL refiner path uses t < 200).
    timestepRange: Optional[list] = None
    steps: int = 750
    # Winner/loser pairs per step and per process (SFT: 2x this many winners).
    pairsPerStep: int = 1
    learningRate: float = 5e-7
    warmupSteps: int = 0
    adamBeta1: float = 0.9
    adamBeta2: float = 0.999
    adamEpsilon: float = 1e-8
    weightDecay: float = 1e-2
    maxGradNorm: float = 1.0
    seed: int = 0
    lora: Optional[LoraSettings] = None
    resolution: int = 1024
    hflip: bool = False
    # "no", "fp16" or "bf16"; None keeps what `accelerate launch` was given.
    mixedPrecision: Optional[str] = None
    gradientCheckpointing: bool = False
    checkpointEvery: int = 100
    keepCheckpoints: int = 2
    logEvery: int = 1
    # Every process on the CPU (gloo between processes) even where CUDA is present. Needed for several
    # CPU processes: torchrun's workers would otherwise each train alone on a machine without CUDA.
    cpu: bool = False

    def to_json(self) -> dict:
        return asdict(self)


def _fail(name: str, want: str, got) -> None:
    raise ValueError(f"run file: {name} must be {want}, got {json.dumps(got)}")


def parse_config(raw: dict) -> RunConfig:
    known = {f.name for f in fields(RunConfig)}
    unknown = set(raw) - known
    if unknown:
        raise ValueError(f"run file: unknown setting(s) {', '.join(sorted(unknown))}")
    for req in ("model", "data", "output"):
        if not isinstance(raw.get(req), str) or not raw[req]:
            _fail(req, "a path", raw.get(req))
    lora = raw.get("lora")
    cfg = RunConfig(**{**raw, "lora": LoraSettings(**lora) if isinstance(lora, dict) else None})
    if cfg.method not in METHODS:
        _fail("method", f"one of {', '.join(METHODS)}", cfg.method)
    if not (isinstance(cfg.beta, (int, float)) and cfg.beta > 0):
        _fail("beta", "a positive number", cfg.beta)
    if not 0 <= cfg.alpha <= 1:
        _fail("alpha", "a number in [0, 1]", cfg.alpha)
    if cfg.normalizer not in ("mixture", "kto"):
        _fail("normalizer", "mixture or kto", cfg.normalizer)
    if cfg.weighting not in LOSS_WEIGHTINGS:
        _fail("weighting", f"one of {', '.join(LOSS_WEIGHTINGS)}", cfg.weighting)
    if not 0 <= cfg.captionDropout <= 1:
        _fail("captionDropout", "a probability in [0, 1]", cfg.captionDropout)
    for name in ("steps", "pairsPerStep", "resolution", "checkpointEvery", "keepCheckpoints", "logEvery"):
        v = getattr(cfg, name)
        if not (isinstance(v, int) and v >= 1):
            _fail(name, "a whole number >= 1", v)
    if not cfg.learningRate > 0:
        _fail("learningRate", "a positive number", cfg.learningRate)
    if cfg.resolution % 8:
        _fail("resolution", "a multiple of 8 (the VAE's scale factor)", cfg.resolution)
    if cfg.timestepRange is not None and not (isinstance(cfg.timestepRange, list) and len(cfg.timestepRange) == 2
                                              and all(isinstance(v, int) for v in cfg.timestepRange) and 0 <= cfg.timestepRange[0] <= cfg.timestepRange[1]):
        _fail("timestepRange", "[min, max] whole numbers with 0 <= min <= max", cfg.timestepRange)
    if not isinstance(cfg.cpu, bool):
        _fail("cpu", "true or false", cfg.cpu)
    if cfg.mixedPrecision not in (None, "no", "fp16", "bf16"):
        _fail("mixedPrecision", "no, fp16 or bf16", cfg.mixedPrecision)
    if cfg.lora is not None and not (isinstance(cfg.lora.rank, int) and cfg.lora.rank >= 1):
        _fail("lora.rank", "a whole number >= 1", cfg.lora.rank)
    if cfg.lora is not None and cfg.lora.layers not in LORA_LAYERS:
        _fail("lora.layers", f"one of {', '.join(LORA_LAYERS)}", cfg.lora.layers)
    if cfg.lora is not None and cfg.lora.targets is not None and not (isinstance(cfg.lora.targets, list) and cfg.lora.targets and all(isinstance(t, str) for t in cfg.lora.targets)):
        _fail("lora.targets", "a non-empty list of module names", cfg.lora.targets)
    return cfg


def load_config(path: str | Path) -> RunConfig:
    try:
        raw = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError as err:
        raise ValueError(f"run file {path} not found") from err
    except json.JSONDecodeError as err:
        raise ValueError(f"run file {path} is not JSON: {err.msg} at line {err.lineno}") from err
    return parse_config(raw)
