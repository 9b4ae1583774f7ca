"""PopAlign / Diffusion-DPO / SFT fine-tuning of a diffusers UNet (SD 1.x/2.x or SDXL) with Accelerate.

    accelerate launch [--config_file accelerate.yaml] -m popalign_trainer.train --config run.json

stdout carries one JSON object per line and nothing else (the studio follows it):
  {"event": "start", ...}            model, data, pairs, world size, resumed step, versions
  {"event": "step", "step": n, ...}  loss, implicitAccuracy, rewardMargin, Z, lr, mseModel, mseRef, itPerSec
  {"event": "checkpoint", ...}       step and folder of an accelerator.save_state checkpoint
  {"event": "stopped"|"done", ...}   the last step; "done" names the LoRA or UNet written
  {"event": "error", "message": ...} a fatal error, in words
Warnings and library logs go to stderr.

Behaviour follows PopAlignSDXL's main.py and Diffusion-DPO's train.py (read, not copied); the traps
they have and this trainer avoids:
- Their reference forward runs in a different precision than the policy (the reference cast to the
  mixed-precision dtype, the policy under autocast on fp32 weights), so at step 0 the policy and the
  reference disagree and the loss is not log 2. Here both run under the same autocast, and the MSEs
  are taken in float32.
- LoRA: the reference is the base UNet with the adapters disabled. With gradient checkpointing the
  forward pass is recomputed during backward, so the adapters must be enabled again BEFORE backward
  (they are, in a finally).
- PopAlign's Z is all-reduced as sums and counts (the global class means), not as a mean of per-GPU
  means, so several processes compute the same Z as one process on the whole batch.
- Every random draw of a step (pairs, timesteps, caption dropout, flips, noise) comes from a generator
  seeded by (seed, step) on the global batch, each process taking its slice: a resumed run replays
  the same batches, and N processes see exactly what one process with N times the batch sees.
- No dataset-name argument, no hub access (HF_HUB_OFFLINE), no stray breakpoints; a bad file fails
  with a message naming it.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import signal
import sys
import time
from pathlib import Path

STOP = {"requested": False}


def emit(obj: dict) -> None:
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def _on_signal(signum, _frame) -> None:
    # Stop at the next step boundary with a checkpoint. The studio signals the whole process group
    # and a launcher may forward the same SIGTERM again, so repeated SIGTERMs are one request; a
    # second Ctrl-C (SIGINT) from a person at a terminal exits at once.
    if STOP["requested"] and signum == signal.SIGINT:
        sys.exit(128 + signum)
    STOP["requested"] = True


def schedule_alphas_cumprod(sched_cfg: dict):
    """ᾱ in float64 from the model's scheduler config (schedule.ts betasFor)."""
    import torch

    T = int(sched_cfg.get("num_train_timesteps", 1000))
    b0, b1 = float(sched_cfg.get("beta_start", 0.00085)), float(sched_cfg.get("beta_end", 0.012))
    kind = sched_cfg.get("beta_schedule", "scaled_linear")
    if kind == "scaled_linear":
        betas = torch.linspace(b0 ** 0.5, b1 ** 0.5, T, dtype=torch.float64) ** 2
    elif kind == "linear":
        betas = torch.linspace(b0, b1, T, dtype=torch.float64)
    else:
        raise ValueError(f"scheduler beta_schedule {kind!r} is not supported (scaled_linear or linear)")
    return torch.cumprod(1 - betas, dim=0)


class TextConditioner:
    """Caches the text conditioning of every caption (and of the empty caption for dropout)."""

    def __init__(self, model_dir: str, sdxl: bool, device, resolution: int):
        import torch
        from transformers import CLIPTextModel, CLIPTextModelWithProjection, CLIPTokenizer

        self.sdxl = sdxl
        self.device = device
        self.resolution = resolution
        self.tok = [CLIPTokenizer.from_pretrained(model_dir, subfolder="tokenizer")]
        self.enc = [CLIPTextModel.from_pretrained(model_dir, subfolder="text_encoder")]
        if sdxl:
            self.tok.append(CLIPTokenizer.from_pretrained(model_dir, subfolder="tokenizer_2"))
            self.enc.append(CLIPTextModelWithProjection.from_pretrained(model_dir, subfolder="text_encoder_2"))
        for e in self.enc:
            e.requires_grad_(False).eval().to(device)
        self.cache: dict = {}
        self._torch = torch

    def _encode(self, caption: str):
        torch = self._torch
        with torch.no_grad():
            if not self.sdxl:
                ids = self.tok[0](caption, padding="max_length", max_length=self.tok[0].model_max_length, truncation=True, return_tensors="pt").input_ids
                return self.enc[0](ids.to(self.device))[0][0], None
            # SDXL: penultimate hidden states of both encoders side by side; pooled from the second.
            hidden, out = [], None
            for tok, enc in zip(self.tok, self.enc):
                ids = tok(caption, padding="max_length", max_length=tok.model_max_length, truncation=True, return_tensors="pt").input_ids
                out = enc(ids.to(self.device), output_hidden_states=True)
                hidden.append(out.hidden_states[-2][0])
            pooled = out.text_embeds[0]
            return torch.cat(hidden, dim=-1), pooled

    def batch(self, captions: list[str]):
        torch = self._torch
        for c in captions:
            if c not in self.cache:
                self.cache[c] = self._encode(c)
        hidden = torch.stack([self.cache[c][0] for c in captions])
        if not self.sdxl:
            return hidden, None
        pooled = torch.stack([self.cache[c][1] for c in captions])
        r = self.resolution
        # Micro-conditioning (original size, crop top-left, target size): images are resized and
        # centre-cropped to the training resolution, as Diffusion-DPO's SDXL path does.
        time_ids = torch.tensor([[r, r, 0, 0, r, r]] * len(captions), dtype=hidden.dtype, device=hidden.device)
        return hidden, {"text_embeds": pooled, "time_ids": time_ids}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="PopAlign Studio's trainer for diffusers models")
    ap.add_argument("--config", required=True, help="run.json written by the studio")
    args = ap.parse_args(argv)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    signal.signal(signal.SIGTERM, _on_signal)
    signal.signal(signal.SIGINT, _on_signal)
    try:
        return train(args.config)
    except Exception as err:  # noqa: BLE001 - reported to the studio as one line, then re-raised
        emit({"event": "error", "message": f"{type(err).__name__}: {err}"})
        raise


def train(config_path: str) -> int:
    from .config import load_config

    cfg = load_config(config_path)

    import torch
    from accelerate import Accelerator
    from accelerate.utils import ProjectConfiguration
    from diffusers import AutoencoderKL, UNet2DConditionModel
    from diffusers.optimization import get_scheduler

    from .data import file_sha256, load_image, read_export
    from .losses import loss_weights, objective

    out = Path(cfg.output)
    out.mkdir(parents=True, exist_ok=True)
    ckpt_root = out / "checkpoints"
    accelerator = Accelerator(
        cpu=cfg.cpu,
        mixed_precision=cfg.mixedPrecision,
        project_config=ProjectConfiguration(project_dir=str(out)),
        # One scheduler step per optimizer step, whatever the number of processes: the global batch
        # is the same at any world size, so the schedule is too.
        step_scheduler_with_optimizer=False,
    )
    device = accelerator.device
    world, rank = accelerator.num_processes, accelerator.process_index
    main_proc = accelerator.is_main_process
    say = emit if main_proc else (lambda _obj: None)

    model_dir = cfg.model
    index = json.loads((Path(model_dir) / "model_index.json").read_text())
    sdxl = "text_encoder_2" in index
    sched_cfg = json.loads((Path(model_dir) / "scheduler" / "scheduler_config.json").read_text())
    prediction = sched_cfg.get("prediction_type", "epsilon")
    if prediction not in ("epsilon", "v_prediction"):
        raise ValueError(f"prediction type {prediction!r} is not supported (epsilon or v_prediction)")
    ac64 = schedule_alphas_cumprod(sched_cfg)
    T = ac64.numel()
    wtable = loss_weights(cfg.weighting, ac64, cfg.minSnrGamma, max_snr=cfg.maxSnr).float().to(device)
    sqrt_ac = ac64.sqrt().float().to(device)
    sqrt_1mac = (1 - ac64).sqrt().float().to(device)

    pairs = read_export(cfg.data, cfg.dataFormat)
    winners = sorted({p.winner for p in pairs}, key=lambda r: r if isinstance(r, str) else r.hex())
    text = TextConditioner(model_dir, sdxl, device, cfg.resolution)
    vae = AutoencoderKL.from_pretrained(model_dir, subfolder="vae").requires_grad_(False).eval().to(device)
    vae_scale = float(vae.config.scaling_factor)
    unet = UNet2DConditionModel.from_pretrained(model_dir, subfolder="unet")

    ref_unet = None
    if cfg.lora is not None:
        from peft import LoraConfig

        unet.requires_grad_(False)
        # B starts at zero (peft's default init), so the policy starts equal to the reference.
        unet.add_adapter(LoraConfig(r=cfg.lora.rank, lora_alpha=cfg.lora.alpha, target_modules=cfg.lora.target_modules(), init_lora_weights=True))
    elif cfg.method != "sft":
        import copy

        ref_unet = copy.deepcopy(unet).requires_grad_(False).eval().to(device)
    if cfg.gradientCheckpointing:
        unet.enable_gradient_checkpointing()
    unet.train()
    params = [p for p in unet.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(params, lr=cfg.learningRate, betas=(cfg.adamBeta1, cfg.adamBeta2), eps=cfg.adamEpsilon, weight_decay=cfg.weightDecay)
    lr_scheduler = get_scheduler("constant_with_warmup", optimizer=optimizer, num_warmup_steps=cfg.warmupSteps)
    ds_plugin = getattr(accelerator.state, "deepspeed_plugin", None)
    if ds_plugin is not None:
        # DeepSpeed (the studio's Accelerate config chose it) sizes its engine from the micro-batch,
        # which Accelerate reads from a data loader; the trainer draws its own batches, so it says the
        # size itself: 2 x pairsPerStep images per process (winners and losers; SFT draws as many).
        ds_plugin.deepspeed_config["train_micro_batch_size_per_gpu"] = 2 * cfg.pairsPerStep
    unet, optimizer, lr_scheduler = accelerator.prepare(unet, optimizer, lr_scheduler)

    def raw_unet():
        return accelerator.unwrap_model(unet)

    if cfg.lora is not None:
        from peft.utils import get_peft_model_state_dict, set_peft_model_state_dict
        from safetensors.torch import load_file, save_file

        # Checkpoints of a LoRA run hold the adapter only, not the whole base UNet again.
        def save_hook(models, weights, output_dir):
            if main_proc:
                state = {k: v.detach().contiguous().cpu() for k, v in get_peft_model_state_dict(raw_unet()).items()}
                save_file(state, os.path.join(output_dir, "unet_lora.safetensors"))
            while weights:
                weights.pop()

        def load_hook(models, input_dir):
            while models:
                models.pop()
            set_peft_model_state_dict(raw_unet(), load_file(os.path.join(input_dir, "unet_lora.safetensors")))

        accelerator.register_save_state_pre_hook(save_hook)
        accelerator.register_load_state_pre_hook(load_hook)

    # Resume from the newest complete checkpoint (trainer_state.json is written last).
    start_step = 0
    done_ckpts = sorted(p for p in ckpt_root.glob("step-*") if (p / "trainer_state.json").is_file()) if ckpt_root.exists() else []
    if done_ckpts:
        accelerator.load_state(str(done_ckpts[-1]))
        start_step = json.loads((done_ckpts[-1] / "trainer_state.json").read_text())["step"]

    import diffusers
    import peft
    import transformers
    import accelerate

    say({"event": "start", "step": start_step, "totalSteps": cfg.steps, "pairs": len(pairs), "winners": len(winners),
         "method": cfg.method, "lora": cfg.lora is not None, "sdxl": sdxl, "worldSize": world, "device": str(device),
         "mixedPrecision": accelerator.mixed_precision, "dataSha256": file_sha256(cfg.data),
         "versions": {"torch": torch.__version__, "diffusers": diffusers.__version__, "transformers": transformers.__version__,
                      "accelerate": accelerate.__version__, "peft": peft.__version__, "python": sys.version.split()[0]}})

    P = cfg.pairsPerStep
    t_lo, t_hi = cfg.timestepRange or [0, T - 1]
    if t_hi >= T:
        raise ValueError(f"timestepRange {cfg.timestepRange} goes past the schedule's last step {T - 1}")
    groups_global = P * world
    latent_hw = cfg.resolution // 8

    def draw(step: int):
        """Every random choice of one global step, from a generator seeded by (seed, step)."""
        g = torch.Generator().manual_seed(cfg.seed * 1_000_003 + step)
        if cfg.method == "sft":
            n = 2 * groups_global
            idx = torch.randint(len(winners), (n,), generator=g)
            imgs = [winners[i] for i in idx.tolist()]
            caps = [next(p.caption for p in pairs if p.winner == w) for w in imgs]
            groups = n
        else:
            idx = torch.randint(len(pairs), (groups_global,), generator=g)
            chosen = [pairs[i] for i in idx.tolist()]
            imgs = [p.winner for p in chosen] + [p.loser for p in chosen]
            caps = [p.caption for p in chosen]
            groups = groups_global
        t = torch.randint(t_lo, t_hi + 1, (groups,), generator=g)
        drop = torch.rand(groups, generator=g) < cfg.captionDropout
        flip = (torch.rand(groups, generator=g) < 0.5) & cfg.hflip
        eps = torch.randn(groups, 4, latent_hw, latent_hw, generator=g)
        post = torch.randn(len(imgs), 4, latent_hw, latent_hw, generator=g)
        return imgs, caps, t, drop, flip, eps, post, groups

    def local_batch(step: int):
        imgs, caps, t, drop, flip, eps, post, groups = draw(step)
        per = groups // world
        sel = list(range(rank * per, (rank + 1) * per))
        if cfg.method == "sft":
            images = [imgs[i] for i in sel]
            rows = sel
        else:
            # Winners of this slice first, then their losers: the stacked layout of the losses.
            images = [imgs[i] for i in sel] + [imgs[groups + i] for i in sel]
            rows = sel + sel
        captions = ["" if drop[i] else caps[i] for i in rows]
        pix = torch.stack([load_image(im, cfg.resolution) for im in images])
        f = torch.tensor([bool(flip[i]) for i in rows])
        pix[f] = pix[f].flip(-1)
        post_rows = [i for i in sel] + ([groups + i for i in sel] if cfg.method != "sft" else [])
        labels = torch.tensor([1.0] * len(sel) + ([-1.0] * len(sel) if cfg.method != "sft" else []))
        return pix, captions, t[sel], eps[sel], post[post_rows], labels

    reduce_sum = (lambda x: accelerator.reduce(x, reduction="sum")) if world > 1 else None
    ckpt_root.mkdir(exist_ok=True)

    def checkpoint(step: int) -> None:
        path = ckpt_root / f"step-{step:07d}"
        accelerator.save_state(str(path))
        if main_proc:
            (path / "trainer_state.json").write_text(json.dumps({"step": step, "config": cfg.to_json()}))
            complete = sorted(p for p in ckpt_root.glob("step-*") if (p / "trainer_state.json").is_file())
            for old in complete[: -cfg.keepCheckpoints]:
                shutil.rmtree(old, ignore_errors=True)
        accelerator.wait_for_everyone()
        say({"event": "checkpoint", "step": step, "path": str(path)})

    step = start_step
    t_start = time.time()
    while step < cfg.steps:
        stop = torch.tensor(1.0 if STOP["requested"] else 0.0, device=device)
        if world > 1:
            stop = accelerator.reduce(stop, reduction="sum")
        if float(stop) > 0:
            checkpoint(step)
            say({"event": "stopped", "step": step})
            return 0
        pix, captions, t, eps, post, labels = local_batch(step)
        pix, t, eps, post, labels = pix.to(device), t.to(device), eps.to(device), post.to(device), labels.to(device)
        with torch.no_grad():
            dist = vae.encode(pix).latent_dist
            latents = (dist.mean + dist.std * post) * vae_scale
        x0 = latents.float()
        if cfg.method != "sft":
            eps = torch.cat([eps, eps])  # a pair's winner and loser share the noise and the timestep
            t_all = torch.cat([t, t])
        else:
            t_all = t
        a = sqrt_ac[t_all].view(-1, 1, 1, 1)
        s = sqrt_1mac[t_all].view(-1, 1, 1, 1)
        xt = a * x0 + s * eps
        target = eps if prediction == "epsilon" else a * eps - s * x0
        hidden, added = text.batch(captions)
        kw = {"added_cond_kwargs": added} if added is not None else {}
        with accelerator.autocast():
            pred = unet(xt, t_all, hidden, **kw).sample
        m = ((pred.float() - target) ** 2).mean(dim=(1, 2, 3))
        r = None
        if cfg.method != "sft":
            with torch.no_grad(), accelerator.autocast():
                if ref_unet is not None:
                    ref_pred = ref_unet(xt, t_all, hidden, **kw).sample
                else:
                    raw_unet().disable_adapters()
                    try:
                        ref_pred = raw_unet()(xt, t_all, hidden, **kw).sample
                    finally:
                        raw_unet().enable_adapters()
            r = ((ref_pred.float() - target) ** 2).mean(dim=(1, 2, 3))
        w = wtable[t_all]
        res = objective(cfg.method, m, r, w, labels, cfg.beta, cfg.alpha, cfg.normalizer, reduce_sum=reduce_sum)
        accelerator.backward(res.loss)
        if cfg.maxGradNorm > 0:
            accelerator.clip_grad_norm_(params, cfg.maxGradNorm)
        optimizer.step()
        lr_scheduler.step()
        optimizer.zero_grad(set_to_none=True)
        step += 1

        if step % cfg.logEvery == 0 or step == cfg.steps:
            stats = torch.tensor([float(res.loss.detach()), res.implicit_accuracy if res.implicit_accuracy is not None else float("nan"),
                                  res.reward_margin if res.reward_margin is not None else float("nan"),
                                  float(m.detach().mean()), float(r.mean()) if r is not None else float("nan")], device=device)
            if world > 1:
                stats = accelerator.reduce(stats, reduction="mean")
            elapsed = time.time() - t_start
            rate = (step - start_step) / elapsed if elapsed > 0 else 0.0
            nan = lambda v: None if math.isnan(v) else v  # noqa: E731 - JSON has no NaN
            say({"event": "step", "step": step, "totalSteps": cfg.steps, "loss": float(stats[0]),
                 "implicitAccuracy": nan(float(stats[1])), "rewardMargin": nan(float(stats[2])), "Z": res.z_norm,
                 "mseModel": float(stats[3]), "mseRef": nan(float(stats[4])), "lr": lr_scheduler.get_last_lr()[0],
                 "itPerSec": rate, "etaSeconds": (cfg.steps - step) / rate if rate > 0 else None})
        if step % cfg.checkpointEvery == 0 and step < cfg.steps:
            checkpoint(step)

    checkpoint(step)
    accelerator.wait_for_everyone()
    result: dict = {"event": "done", "step": step}
    if main_proc:
        final = raw_unet()
        if cfg.lora is not None:
            from diffusers import StableDiffusionPipeline, StableDiffusionXLPipeline
            from peft.utils import get_peft_model_state_dict

            lora_dir = out / "lora"
            # PEFT's key format with the adapter's config (rank, alpha, targets) as metadata, which
            # load_lora_weights reads as it is. Not convert_state_dict_to_diffusers: it rewrites only the
            # attention keys to the old lora.down/up names, and a file mixing both formats loads without
            # its attention layers (diffusers warns and samples a different model).
            layers = get_peft_model_state_dict(final)
            meta = final.peft_config["default"].to_dict()
            (StableDiffusionXLPipeline if sdxl else StableDiffusionPipeline).save_lora_weights(
                str(lora_dir), unet_lora_layers=layers, unet_lora_adapter_metadata=meta, safe_serialization=True)
            result["lora"] = str(lora_dir / "pytorch_lora_weights.safetensors")
        else:
            final.save_pretrained(str(out / "unet"), safe_serialization=True)
            result["unet"] = str(out / "unet")
    say(result)
    accelerator.end_training()
    return 0


if __name__ == "__main__":
    sys.exit(main())
