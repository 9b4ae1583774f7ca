"""Evaluates the Python objectives on cases given as JSON on stdin, for the TypeScript parity test.

Everything runs in float64. For each loss case it returns the loss, the metrics, and the gradient
with respect to the model's MSEs from autograd, which the test compares with the TypeScript
losses' analytic gradients. Weight cases build the schedule here from its name (not from numbers
the TypeScript side computed), so the schedule is checked too.
"""
from __future__ import annotations

import json
import sys

import torch

from .losses import dpo_loss_stacked, loss_weights, objective, popalign_loss, scaled_linear_alphas_cumprod, sft_loss


def _t(v) -> torch.Tensor:
    return torch.tensor(v, dtype=torch.float64)


def _loss_case(c: dict) -> dict:
    m = _t(c["m"]).requires_grad_(True)
    kind = c["kind"]
    if kind == "popalign":
        out = popalign_loss(m, _t(c["r"]), _t(c["labels"]), c["beta"], c.get("alpha", 0.5), c.get("normalizer", "mixture"),
                            c.get("countEpsilon", 0.0), c.get("fixedZ"), c.get("winnerWeight", 1.0), c.get("loserWeight", 1.0))
    elif kind == "dpo":
        out = dpo_loss_stacked(m, _t(c["r"]), c["beta"])
    elif kind == "sft":
        out = sft_loss(m, _t(c["labels"]), c.get("normalisation", "winners"))
    elif kind == "objective":
        r = _t(c["r"]) if c.get("r") is not None else None
        out = objective(c["method"], m, r, _t(c["weights"]), _t(c["labels"]), c["beta"], c["alpha"])
    else:
        raise ValueError(f"unknown case kind {kind}")
    out.loss.backward()
    return {"loss": float(out.loss.detach()), "grad": m.grad.tolist(), "implicitAccuracy": out.implicit_accuracy,
            "rewardMargin": out.reward_margin, "Z": out.z_norm}


def _weights_case(c: dict) -> dict:
    if c["schedule"] != "scaled_linear":
        raise ValueError("the trainer's models use the scaled_linear schedule")
    w = loss_weights(c["weighting"], scaled_linear_alphas_cumprod(c.get("T", 1000)), c.get("minSnrGamma", 5.0),
                     c.get("p2K", 1.0), c.get("p2Gamma", 1.0), c.get("maxSnr"))
    return {"weights": w.tolist()}


def main() -> None:
    cases = json.load(sys.stdin)["cases"]
    out = [(_weights_case(c) if c["kind"] == "weights" else _loss_case(c)) for c in cases]
    json.dump({"results": out}, sys.stdout)


if __name__ == "__main__":
    main()
