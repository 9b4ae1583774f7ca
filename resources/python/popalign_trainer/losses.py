"""The studio's preference objectives in PyTorch, in exactly the arithmetic of its TypeScript losses.

Mirrors src-main/core/engine/losses (popalign.ts, dpo.ts, sft.ts), the timestep weights of
src-main/core/engine/diffusion/weights.ts and the way src-main/core/finetune/objective.ts combines
them: a timestep weight w(t_i) multiplies both the model's and the reference's per-sample MSE before
the loss. test/real-finetune/parity.test.ts checks these against the TypeScript on shared random
inputs in float64 (values and autograd gradients).

All functions are dtype-agnostic; the trainer calls them in float32 on per-sample MSEs computed in
float32 (never in fp16/bf16, whatever the mixed-precision setting: the differences g = r - m are tiny).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Optional

import torch
import torch.nn.functional as F

LOSS_WEIGHTINGS = ("constant", "debias", "min_snr", "p2", "x0")
METHODS = ("popalign", "dpo", "sft")

# Sums a tensor over all processes (accelerate's reduce with "sum"); None in a one-process run.
Reducer = Optional[Callable[[torch.Tensor], torch.Tensor]]


@dataclass
class LossOut:
    loss: torch.Tensor
    # Fraction of logistic arguments > 0, ties counting one half (None for SFT).
    implicit_accuracy: Optional[float]
    # Mean implicit reward of winners minus losers (None for SFT).
    reward_margin: Optional[float]
    # PopAlign's normaliser (None otherwise).
    z_norm: Optional[float]


def _accuracy(arg: torch.Tensor) -> float:
    a = arg.detach()
    return float(((a > 0).double() + 0.5 * (a == 0).double()).mean())


def popalign_loss(
    model_mse: torch.Tensor,
    ref_mse: torch.Tensor,
    labels: torch.Tensor,
    beta: float,
    alpha: float = 0.5,
    normalizer: str = "mixture",
    count_epsilon: float = 0.0,
    fixed_z: Optional[float] = None,
    winner_weight: float = 1.0,
    loser_weight: float = 1.0,
    reduce_sum: Reducer = None,
) -> LossOut:
    """popalign.ts: g = r - m; Z = α·mean_{y=+1} g + (1-α)·mean_{y=-1} g (stop-grad);
    z = y·β·(g - Z); loss = mean w·softplus(-z).

    With reduce_sum (several processes) the class means are taken over the GLOBAL batch (sums and
    counts all-reduced), so a data-parallel run computes the same Z as one process on the whole batch.
    The reference code instead averages per-GPU means, which weighs GPUs with few members of a class
    as much as others; that is its quirk, not the paper's estimator.
    """
    if beta <= 0:
        raise ValueError(f"beta must be positive, got {beta}")
    if not 0 <= alpha <= 1:
        raise ValueError(f"alpha must be in [0, 1], got {alpha}")
    if not bool(((labels == 1) | (labels == -1)).all()):
        raise ValueError("PopAlign labels must be +1 (winner) or -1 (loser)")
    g = ref_mse - model_mse
    gd = g.detach()
    pos = (labels == 1).to(g.dtype)
    neg = (labels == -1).to(g.dtype)
    stats = torch.stack([(gd * pos).sum(), pos.sum(), (gd * neg).sum(), neg.sum(), gd.sum(), torch.tensor(float(g.numel()), dtype=g.dtype, device=g.device)])
    if reduce_sum is not None:
        stats = reduce_sum(stats)
    sum_pos, n_pos, sum_neg, n_neg, sum_all, n_all = stats.unbind()

    def cmean(s: torch.Tensor, n: torch.Tensor) -> torch.Tensor:
        den = n + count_epsilon
        return s / den if float(den) > 0 else torch.zeros((), dtype=g.dtype, device=g.device)

    k_pos, k_neg = cmean(sum_pos, n_pos), cmean(sum_neg, n_neg)
    if fixed_z is not None:
        z_norm = torch.tensor(float(fixed_z), dtype=g.dtype, device=g.device)
    elif normalizer == "mixture":
        z_norm = alpha * k_pos + (1 - alpha) * k_neg
    elif normalizer == "kto":
        z_norm = torch.clamp(sum_all / n_all, min=0)
    else:
        raise ValueError(f'unknown PopAlign normalizer "{normalizer}"; expected mixture or kto')
    z = labels.to(g.dtype) * beta * (g - z_norm.detach())
    w = torch.where(labels == 1, torch.full_like(g, winner_weight), torch.full_like(g, loser_weight))
    loss = (w * F.softplus(-z)).mean()
    return LossOut(loss, _accuracy(z), float(beta * (k_pos - k_neg)), float(z_norm))


def dpo_loss_stacked(model_mse: torch.Tensor, ref_mse: torch.Tensor, beta: float) -> LossOut:
    """dpo.ts on a stacked batch [winners; losers]: u = -0.5·β·((m_w - m_l) - (r_w - r_l)),
    loss = mean softplus(-u); the reward margin is mean u."""
    n = model_mse.numel()
    if n == 0 or n % 2:
        raise ValueError(f"a stacked DPO batch needs an even, non-zero number of samples, got {n}")
    if beta <= 0:
        raise ValueError(f"beta must be positive, got {beta}")
    m_w, m_l = model_mse.chunk(2)
    r_w, r_l = ref_mse.chunk(2)
    u = -0.5 * beta * ((m_w - m_l) - (r_w - r_l))
    return LossOut(F.softplus(-u).mean(), _accuracy(u), float(u.detach().mean()), None)


def sft_loss(model_mse: torch.Tensor, labels: torch.Tensor, normalisation: str = "winners") -> LossOut:
    """sft.ts: winners' ε-MSE; 'winners' divides by the winner count (the studio's fine-tune),
    'batch' by the whole batch (the reference code's form)."""
    win = (labels == 1).to(model_mse.dtype)
    den = win.sum() if normalisation == "winners" else torch.tensor(float(model_mse.numel()), dtype=model_mse.dtype)
    if normalisation not in ("winners", "batch"):
        raise ValueError(f'unknown SFT normalisation "{normalisation}"; expected batch or winners')
    loss = (model_mse * win).sum() / den if float(den) > 0 else (model_mse * 0).sum()
    return LossOut(loss, None, None, None)


def loss_weights(kind: str, alphas_cumprod: torch.Tensor, min_snr_gamma: float = 5.0, p2_k: float = 1.0,
                 p2_gamma: float = 1.0, max_snr: Optional[float] = None) -> torch.Tensor:
    """weights.ts: w[t] on the ε-MSE from SNR = ᾱ/(1-ᾱ), optionally capped at max_snr first."""
    ac = alphas_cumprod.double()
    snr = ac / (1 - ac)
    if max_snr is not None:
        snr = torch.clamp(snr, max=max_snr)
    if kind == "constant":
        return torch.ones_like(snr)
    if kind == "debias":
        return 1 / torch.sqrt(snr)
    if kind == "min_snr":
        return torch.clamp(snr, max=min_snr_gamma) / snr
    if kind == "p2":
        return 1 / (p2_k + snr) ** p2_gamma
    if kind == "x0":
        return 1 / snr
    raise ValueError(f'unknown loss weighting "{kind}"; expected one of {", ".join(LOSS_WEIGHTINGS)}')


def scaled_linear_alphas_cumprod(T: int = 1000, beta_start: float = 0.00085, beta_end: float = 0.012) -> torch.Tensor:
    """ᾱ of SD/SDXL's "scaled_linear" schedule in float64 (schedule.ts betasFor)."""
    betas = torch.linspace(beta_start ** 0.5, beta_end ** 0.5, T, dtype=torch.float64) ** 2
    return torch.cumprod(1 - betas, dim=0)


def objective(method: str, model_mse: torch.Tensor, ref_mse: Optional[torch.Tensor], weights: torch.Tensor,
              labels: torch.Tensor, beta: float, alpha: float, normalizer: str = "mixture",
              reduce_sum: Reducer = None) -> LossOut:
    """objective.ts evaluateObjective: weights scale both MSEs, then the method's loss."""
    m = weights * model_mse
    if method == "sft":
        return sft_loss(m, labels, "winners")
    if ref_mse is None:
        raise ValueError(f"{method} needs the reference model's errors")
    r = weights * ref_mse
    if method == "dpo":
        return dpo_loss_stacked(m, r, beta)
    if method == "popalign":
        return popalign_loss(m, r, labels, beta, alpha, normalizer=normalizer, reduce_sum=reduce_sum)
    raise ValueError(f'unknown method "{method}"; expected one of {", ".join(METHODS)}')
