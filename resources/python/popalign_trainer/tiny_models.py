"""Tiny randomly initialised text-to-image models with diffusers' real classes, for tests.

`build_tiny_sd(out_dir, seed=0)` writes an SD-1.x-style pipeline in the diffusers folder layout
(model_index.json, unet/, vae/, text_encoder/, tokenizer/, scheduler/) with the same component
classes and scheduler as Stable Diffusion 1.5, shrunk until a training step runs in milliseconds
on two CPU cores. `build_tiny_sdxl` does the same for SDXL (two text encoders, text_time added
conditioning). No weights are downloaded: every tensor comes from a seeded initialisation, and the
tokenizer reads the small committed vocabulary in tiny_tokenizer/ (see make_tiny_vocab.py).

CLI: python -m popalign_trainer.tiny_models OUT_DIR [--seed N] [--sdxl]
"""
from __future__ import annotations

import argparse
import json
import shutil
from pathlib import Path

TOKENIZER_DIR = Path(__file__).with_name("tiny_tokenizer")

# Shapes shared by both variants. The VAE keeps SD's 8x spatial factor (four blocks), so pipeline
# code that assumes vae_scale_factor == 8 works unchanged; images are 64 px, latents 4x8x8.
RESOLUTION = 64
LATENT_CHANNELS = 4
TEXT_HIDDEN = 32
MAX_TOKENS = 77

# Stable Diffusion 1.x / SDXL training schedule (ALGORITHMS.md 1.1, "scaled_linear").
SCHEDULER_CONFIG = dict(
    num_train_timesteps=1000,
    beta_start=0.00085,
    beta_end=0.012,
    beta_schedule="scaled_linear",
    prediction_type="epsilon",
    steps_offset=1,
    set_alpha_to_one=False,
    skip_prk_steps=True,
)


def _tokenizer():
    from transformers import CLIPTokenizer

    # Loading the folder lets transformers build its fast BPE tokenizer from the classic files
    # (the constructor's argument names changed between transformers 4 and 5).
    return CLIPTokenizer.from_pretrained(str(TOKENIZER_DIR), model_max_length=MAX_TOKENS)


def _text_config(vocab_size: int, projection_dim: int = TEXT_HIDDEN):
    from transformers import CLIPTextConfig

    return CLIPTextConfig(
        vocab_size=vocab_size,
        hidden_size=TEXT_HIDDEN,
        intermediate_size=64,
        num_hidden_layers=2,
        num_attention_heads=2,
        max_position_embeddings=MAX_TOKENS,
        projection_dim=projection_dim,
        hidden_act="quick_gelu",
        # CLIP's tokenizer ids for its special tokens, so pooled outputs pick the EOS position.
        bos_token_id=vocab_size - 2,
        eos_token_id=vocab_size - 1,
        pad_token_id=vocab_size - 1,
    )


# The posterior's log-variance of the tiny VAE: a trained SD VAE's posterior is nearly deterministic
# (std far below the latents' spread), a randomly initialised one has std ~1, which buries the image
# under sampling noise so that nothing about it (a preference included) can be learned from latents.
POSTERIOR_LOGVAR = -12.0


def _vae(seed: int):
    import torch
    from diffusers import AutoencoderKL

    vae = AutoencoderKL(
        in_channels=3,
        out_channels=3,
        down_block_types=("DownEncoderBlock2D",) * 4,
        up_block_types=("UpDecoderBlock2D",) * 4,
        block_out_channels=(8, 16, 16, 16),
        layers_per_block=1,
        latent_channels=LATENT_CHANNELS,
        norm_num_groups=8,
        sample_size=RESOLUTION,
    )
    with torch.no_grad():
        # quant_conv's second half of output channels is the posterior's log-variance.
        vae.quant_conv.weight[LATENT_CHANNELS:] = 0
        vae.quant_conv.bias[LATENT_CHANNELS:] = POSTERIOR_LOGVAR
        # SD's 0.18215 is 1 / (std of its VAE's latents), so scaled latents have unit variance, the
        # scale the noise schedule assumes. The same rule for this VAE, measured on seeded images
        # with large-scale structure (halves, quadrants, gradients) as well as noise.
        g = torch.Generator().manual_seed(seed)
        coarse = torch.rand(32, 3, 4, 4, generator=g) * 2 - 1
        images = torch.nn.functional.interpolate(coarse, size=RESOLUTION, mode="bilinear", align_corners=False)
        images = (images + 0.1 * torch.randn(images.shape, generator=g)).clamp(-1, 1)
        std = float(vae.encode(images).latent_dist.mean.std())
    vae.register_to_config(scaling_factor=round(1.0 / std, 5))
    return vae


def _unet(cross_attention_dim: int, sdxl: bool):
    from diffusers import UNet2DConditionModel

    extra = {}
    if sdxl:
        # SDXL conditions on the pooled text embedding plus six micro-conditioning ids
        # (original size, crop offset, target size), each embedded with addition_time_embed_dim.
        extra = dict(
            addition_embed_type="text_time",
            addition_time_embed_dim=8,
            projection_class_embeddings_input_dim=TEXT_HIDDEN + 6 * 8,
        )
    return UNet2DConditionModel(
        sample_size=RESOLUTION // 8,
        in_channels=LATENT_CHANNELS,
        out_channels=LATENT_CHANNELS,
        down_block_types=("CrossAttnDownBlock2D", "DownBlock2D"),
        up_block_types=("UpBlock2D", "CrossAttnUpBlock2D"),
        block_out_channels=(32, 64),
        layers_per_block=1,
        cross_attention_dim=cross_attention_dim,
        attention_head_dim=8,
        norm_num_groups=8,
        **extra,
    )


def _finish(out: Path, kind: str, seed: int, tokenizer_dirs: tuple[str, ...]) -> None:
    # transformers 5 saves only tokenizer.json; exporters and older readers also look for the
    # classic BPE files beside it, as in a downloaded SD folder, so both are written.
    for name in tokenizer_dirs:
        for f in ("vocab.json", "merges.txt"):
            shutil.copyfile(TOKENIZER_DIR / f, out / name / f)
    (out / "TINY_MODEL.json").write_text(
        json.dumps({"kind": kind, "seed": seed, "resolution": RESOLUTION, "generator": "popalign_trainer.tiny_models",
                    "note": "randomly initialised weights for tests; not a usable image model"}, indent=2) + "\n")


def build_tiny_sd(out_dir: str | Path, seed: int = 0) -> Path:
    """Saves a tiny SD-1.x-style StableDiffusionPipeline in the diffusers layout; returns the folder."""
    import torch
    from diffusers import PNDMScheduler, StableDiffusionPipeline
    from transformers import CLIPTextModel

    out = Path(out_dir)
    if out.exists():
        shutil.rmtree(out)
    tokenizer = _tokenizer()
    torch.manual_seed(seed)
    unet = _unet(cross_attention_dim=TEXT_HIDDEN, sdxl=False)
    torch.manual_seed(seed + 1)
    vae = _vae(seed)
    torch.manual_seed(seed + 2)
    text_encoder = CLIPTextModel(_text_config(len(tokenizer)))
    pipe = StableDiffusionPipeline(
        vae=vae, text_encoder=text_encoder, tokenizer=tokenizer, unet=unet,
        scheduler=PNDMScheduler(**SCHEDULER_CONFIG),
        safety_checker=None, feature_extractor=None, requires_safety_checker=False,
    )
    pipe.save_pretrained(out, safe_serialization=True)
    _finish(out, "sd1", seed, ("tokenizer",))
    return out


def build_tiny_sdxl(out_dir: str | Path, seed: int = 0) -> Path:
    """Saves a tiny SDXL-style pipeline (two text encoders, text_time conditioning)."""
    import torch
    from diffusers import EulerDiscreteScheduler, StableDiffusionXLPipeline
    from transformers import CLIPTextModel, CLIPTextModelWithProjection

    out = Path(out_dir)
    if out.exists():
        shutil.rmtree(out)
    tokenizer = _tokenizer()
    tokenizer_2 = _tokenizer()
    torch.manual_seed(seed)
    # SDXL's UNet cross-attends to the two encoders' hidden states concatenated on features.
    unet = _unet(cross_attention_dim=2 * TEXT_HIDDEN, sdxl=True)
    torch.manual_seed(seed + 1)
    vae = _vae(seed)
    torch.manual_seed(seed + 2)
    text_encoder = CLIPTextModel(_text_config(len(tokenizer)))
    torch.manual_seed(seed + 3)
    text_encoder_2 = CLIPTextModelWithProjection(_text_config(len(tokenizer_2)))
    sched = {k: v for k, v in SCHEDULER_CONFIG.items() if k not in ("skip_prk_steps", "set_alpha_to_one")}
    pipe = StableDiffusionXLPipeline(
        vae=vae, text_encoder=text_encoder, text_encoder_2=text_encoder_2, tokenizer=tokenizer,
        tokenizer_2=tokenizer_2, unet=unet, scheduler=EulerDiscreteScheduler(**sched),
    )
    pipe.save_pretrained(out, safe_serialization=True)
    _finish(out, "sdxl", seed, ("tokenizer", "tokenizer_2"))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description="Build a tiny randomly initialised SD or SDXL model (diffusers layout).")
    ap.add_argument("out_dir")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--sdxl", action="store_true")
    a = ap.parse_args()
    out = (build_tiny_sdxl if a.sdxl else build_tiny_sd)(a.out_dir, seed=a.seed)
    print(json.dumps({"out_dir": str(out)}))


if __name__ == "__main__":
    main()
