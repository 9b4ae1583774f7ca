"""PyTorch peer of the studio's DiT (src-main/core/engine/model/dit-spec.ts) for `npm run bench:train`.

Same architecture (adaLN-Zero DiT, LayerNorm without affine, eps 1e-6, SiLU, bag-of-words prompt
matMul), same loss (mean over the batch of w(t)·per-sample ε-MSE) and Adam, on random data: only the
step time is measured. A step does what the studio's step does (bench/memory-data.ts): pick B clean
examples by index from a pool held in memory, draw timesteps, noise and condition dropout, noise the
batch (q_sample on the cosine schedule), forward, backward, Adam. Driven over stdin/stdout, one JSON
object a line, so the Node bench can interleave it with its own engines:
  {"cmd": "init", "config": {...DiTConfig}, "batch": 64, "threads": 2, "pool": 1024}
                                                -> {"ok": true, "torch": "2.13.0"}
  {"cmd": "train", "steps": 3}                  -> {"ms": [..per step..], "drawMs": [..of which drawing..]}
  {"cmd": "sample", "batch": 64, "steps": 10, "repeats": 3}             -> {"ms": [..per run..]}
"sample" times a full deterministic DDIM run (cosine schedule, x0 clipped to [-1, 1], no guidance) of
`batch` images with the model's current weights under inference mode: the studio's sampling loop.
"""
import json
import math
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class Block(nn.Module):
    def __init__(self, d, heads, mlp):
        super().__init__()
        self.heads = heads
        self.ada = nn.Linear(d, 6 * d)
        self.qkv = nn.Linear(d, 3 * d)
        self.out = nn.Linear(d, d)
        self.mlp1 = nn.Linear(d, mlp)
        self.mlp2 = nn.Linear(mlp, d)

    def forward(self, x, c):
        B, T, D = x.shape
        H = self.heads
        hd = D // H
        s1, sc1, g1, s2, sc2, g2 = self.ada(c).unsqueeze(1).chunk(6, dim=2)
        h = F.layer_norm(x, (D,), eps=1e-6) * (1 + sc1) + s1
        qkv = self.qkv(h).reshape(B, T, 3, H, hd).permute(2, 0, 3, 1, 4)
        q, k, v = qkv[0], qkv[1], qkv[2]
        att = torch.softmax((q / math.sqrt(hd)) @ k.transpose(-1, -2), dim=-1)
        o = (att @ v).transpose(1, 2).reshape(B, T, D)
        x = x + g1 * self.out(o)
        h = F.layer_norm(x, (D,), eps=1e-6) * (1 + sc2) + s2
        return x + g2 * self.mlp2(F.silu(self.mlp1(h)))


class DiT(nn.Module):
    def __init__(self, c):
        super().__init__()
        d = c["width"]
        P = c["patch"] * c["patch"] * c["channels"]
        T = (c["imageSize"] // c["patch"]) ** 2
        self.t1 = nn.Linear(c["timeFeatures"], d)
        self.t2 = nn.Linear(d, d)
        self.emb = nn.Parameter(torch.randn(c["vocabSize"], d) * 0.02)
        self.stem = nn.Linear(P, d)
        self.pos = nn.Parameter(torch.randn(T, d) * 0.02)
        self.blocks = nn.ModuleList([Block(d, c["heads"], c["mlpRatio"] * d) for _ in range(c["depth"])])
        self.final_ada = nn.Linear(d, 2 * d)
        self.final = nn.Linear(d, P)

    def forward(self, xp, tfeat, cond):
        c = F.silu(self.t2(F.silu(self.t1(tfeat))) + cond @ self.emb)
        x = self.stem(xp) + self.pos
        for b in self.blocks:
            x = b(x, c)
        shift, scale = self.final_ada(c).unsqueeze(1).chunk(2, dim=2)
        return self.final(F.layer_norm(x, (x.shape[-1],), eps=1e-6) * (1 + scale) + shift)


def time_features(t, n):
    """Sinusoidal features of integer timesteps, cos half then sin half (dit-spec.ts timeFeatures)."""
    half = n // 2
    freqs = torch.exp(-math.log(10000.0) * torch.arange(half, dtype=torch.float32) / half)
    a = t.float()[:, None] * freqs[None, :]
    return torch.cat([torch.cos(a), torch.sin(a)], dim=1)


def cosine_alphas_cumprod(T=1000, s=0.008):
    f = lambda u: math.cos((u + s) / (1 + s) * math.pi / 2) ** 2
    betas = [min(1 - f((t + 1) / T) / f(t / T), 0.999) for t in range(T)]
    out, acc = [], 1.0
    for b in betas:
        acc *= 1 - b
        out.append(acc)
    return out


def ddim_sample(model, c, batch, steps):
    T = (c["imageSize"] // c["patch"]) ** 2
    P = c["patch"] * c["patch"] * c["channels"]
    ab = cosine_alphas_cumprod()
    ts = [round(i * (len(ab) - 1) / (steps - 1)) for i in range(steps)][::-1] if steps > 1 else [len(ab) - 1]
    cond = torch.zeros(batch, c["vocabSize"])
    cond[torch.arange(batch), 1 + torch.arange(batch) % (c["vocabSize"] - 1)] = 1
    x = torch.randn(batch, T, P)
    with torch.inference_mode():
        for i, t in enumerate(ts):
            a = ab[t]
            eps = model(x, time_features(torch.full((batch,), t), c["timeFeatures"]), cond)
            x0 = ((x - math.sqrt(1 - a) * eps) / math.sqrt(a)).clamp(-1, 1)
            a_prev = ab[ts[i + 1]] if i + 1 < len(ts) else 1.0
            eps = (x - math.sqrt(a) * x0) / math.sqrt(1 - a)
            x = math.sqrt(a_prev) * x0 + math.sqrt(1 - a_prev) * eps
    return x


def draw_batch(s):
    """One training batch the way the studio draws it (engine/train/batch.ts): examples, timesteps,
    condition dropout (10 %, to the null token 0), noise, q_sample, time features, loss weights."""
    B = s["batch"]
    idx = torch.randint(0, s["x0_pool"].shape[0], (B,))
    x0 = s["x0_pool"][idx]
    cond = s["cond_pool"][idx]
    t = torch.randint(0, s["sqrt_ab"].shape[0], (B,))
    drop = torch.rand(B) < 0.1
    cond[drop] = 0
    cond[drop, 0] = 1
    eps = torch.randn_like(x0)
    xt = s["sqrt_ab"][t][:, None, None] * x0 + s["sqrt_1mab"][t][:, None, None] * eps
    return xt, time_features(t, s["config"]["timeFeatures"]), cond, eps, s["w_table"][t]


def main():
    state = {}
    for line in sys.stdin:
        msg = json.loads(line)
        if msg["cmd"] == "init":
            torch.set_num_threads(int(msg.get("threads", 2)))
            torch.manual_seed(0)
            c = msg["config"]
            B = msg["batch"]
            T = (c["imageSize"] // c["patch"]) ** 2
            P = c["patch"] * c["patch"] * c["channels"]
            model = DiT(c)
            N = int(msg.get("pool", 1024))
            ab = cosine_alphas_cumprod()
            state = {
                "config": c,
                "model": model,
                "opt": torch.optim.Adam(model.parameters(), lr=1e-4),
                "batch": B,
                "x0_pool": torch.rand(N, T, P) * 2 - 1,
                "cond_pool": F.one_hot(torch.randint(1, c["vocabSize"], (N,)), c["vocabSize"]).float(),
                "sqrt_ab": torch.tensor(ab).sqrt(),
                "sqrt_1mab": (1 - torch.tensor(ab)).sqrt(),
                "w_table": torch.ones(len(ab)),
            }
            print(json.dumps({"ok": True, "torch": torch.__version__, "threads": torch.get_num_threads()}), flush=True)
        elif msg["cmd"] == "train":
            s = state
            times, draws = [], []
            for _ in range(int(msg["steps"])):
                t0 = time.perf_counter()
                xt, tfeat, cond, eps, w = draw_batch(s)
                t1 = time.perf_counter()
                s["opt"].zero_grad(set_to_none=True)
                pred = s["model"](xt, tfeat, cond)
                mse = ((pred - eps) ** 2).flatten(1).mean(1)
                loss = (mse * w).mean()
                loss.backward()
                s["opt"].step()
                times.append((time.perf_counter() - t0) * 1000)
                draws.append((t1 - t0) * 1000)
            print(json.dumps({"ms": times, "drawMs": draws}), flush=True)
        elif msg["cmd"] == "sample":
            s = state
            batch = int(msg["batch"])
            ddim_sample(s["model"], s["config"], batch, 2)  # warm-up at this batch size
            times = []
            for _ in range(int(msg.get("repeats", 1))):
                t0 = time.perf_counter()
                ddim_sample(s["model"], s["config"], batch, int(msg["steps"]))
                times.append((time.perf_counter() - t0) * 1000)
            print(json.dumps({"ms": times}), flush=True)
        else:
            print(json.dumps({"error": f"unknown command {msg['cmd']}"}), flush=True)


if __name__ == "__main__":
    main()
