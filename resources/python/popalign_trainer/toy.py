"""A separable toy preference for checking that a trainer learns, as a PopAlignSDXL CSV.

Winners are lit from above (light top half, dark bottom half), losers from below, with pixel noise;
one neutral caption. The same preference as the studio's test fixture (test/real-finetune/fixture.ts),
which builds it as judged sets in a workspace; this one is for runs without the studio (the GPU check).
A layout rather than a uniform brightness: the tiny model's VAE normalises each channel over the image
(GroupNorm), which erases a uniform brightness or colour shift but keeps where the light is.

CLI: python -m popalign_trainer.toy OUT_DIR [--pairs 16] [--seed 7]   (writes OUT_DIR/annotation_train.csv)
"""
from __future__ import annotations

import argparse
import csv
from pathlib import Path

CAPTION = "a photo of a doctor"


def lit_image(from_above: bool, light: int, rng, size: int = 64):
    import numpy as np
    from PIL import Image

    a = np.full((size, size, 3), 255.0 - light)
    half = slice(0, size // 2) if from_above else slice(size // 2, size)
    a[half] = light
    a = np.clip(np.rint(a + 12 * rng.standard_normal(a.shape)), 0, 255).astype(np.uint8)
    return Image.fromarray(a)


def write_toy_preference(out_dir: str | Path, pairs: int = 16, seed: int = 7) -> Path:
    import numpy as np

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    path = out / "annotation_train.csv"
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["jpg_0", "jpg_1", "caption", "label"])
        for p in range(pairs):
            light = 215 - 4 * (p % 2)
            win, lose = out / f"above{p}.png", out / f"below{p}.png"
            lit_image(True, light, rng).save(win)
            lit_image(False, light, rng).save(lose)
            w.writerow([str(win), str(lose), CAPTION, 0])
    return path


def main() -> None:
    ap = argparse.ArgumentParser(description="Write the lit-from-above toy preference as a PopAlignSDXL CSV")
    ap.add_argument("out_dir")
    ap.add_argument("--pairs", type=int, default=16)
    ap.add_argument("--seed", type=int, default=7)
    a = ap.parse_args()
    print(write_toy_preference(a.out_dir, a.pairs, a.seed))


if __name__ == "__main__":
    main()
