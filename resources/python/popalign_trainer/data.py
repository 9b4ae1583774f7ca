"""Reads a studio snapshot export into (winner, loser, caption) pairs of images.

Three formats, as the studio writes them (src-main/core/export):
- PopAlignSDXL CSV (popalign_csv): jpg_0 = winning-set image path, jpg_1 = losing-set image path,
  caption, label (always 0, "the first image is better"). Relative paths are resolved against the
  CSV's folder. The spreadsheet-safe variant is refused: its guarded cells are not the captions.
- Pick-a-Pic parquet (pickapic_parquet, Diffusion-DPO's loader): jpg_0/jpg_1 image bytes, label_0
  1 (first better), 0 (second better: swapped so the winner comes first) or 0.5 (tie: dropped, as
  Diffusion-DPO does).
- Native JSONL (jsonl): set pairs with both sets' images and the decision; a decided pair of sets
  W, L gives k = max(|W|, |L|) rows (W[i], L[i]) cycling the smaller set, as pair-rows.ts does.
"""
from __future__ import annotations

import csv
import hashlib
import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Union

ImageRef = Union[str, bytes]  # a file path or encoded image bytes


@dataclass(frozen=True)
class Pair:
    winner: ImageRef
    loser: ImageRef
    caption: str


class DataError(ValueError):
    """A snapshot export the trainer cannot use, said in the user's words."""


def detect_format(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return "popalign_csv"
    if suffix == ".parquet":
        return "pickapic_parquet"
    if suffix in (".jsonl", ".ndjson"):
        return "jsonl"
    raise DataError(f"{path.name}: unknown export format (expected a .csv, .parquet or .jsonl file written by the studio)")


def _resolve(base: Path, p: str, where: str) -> str:
    full = Path(p) if Path(p).is_absolute() else base / p
    if not full.is_file():
        raise DataError(f"{where}: image {p} not found (looked at {full})")
    return str(full)


def read_popalign_csv(path: Path) -> list[Pair]:
    pairs: list[Pair] = []
    with open(path, newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        missing = {"jpg_0", "jpg_1", "caption", "label"} - set(reader.fieldnames or [])
        if missing:
            raise DataError(f"{path.name} is not a PopAlignSDXL CSV: missing column(s) {', '.join(sorted(missing))}")
        for i, row in enumerate(reader, start=2):
            if row["label"].strip() != "0":
                raise DataError(f"{path.name} line {i}: label is {row['label']!r}; the PopAlignSDXL CSV has label 0 on every row (the first image is the winner)")
            if row["caption"][:2] in ("'=", "'+", "'-", "'@"):
                raise DataError(f"{path.name} line {i}: the caption starts with an apostrophe before a formula sign; this is the spreadsheet-safe export, which changes captions. Export popalign_csv for training.")
            pairs.append(Pair(_resolve(path.parent, row["jpg_0"], f"{path.name} line {i}"), _resolve(path.parent, row["jpg_1"], f"{path.name} line {i}"), row["caption"]))
    return pairs


def read_pickapic_parquet(path: Path) -> list[Pair]:
    try:
        import pyarrow.parquet as pq
    except ImportError as err:  # pragma: no cover - pyarrow is pinned in requirements.txt
        raise DataError("reading a parquet export needs pyarrow in the trainer environment") from err
    table = pq.read_table(path, columns=["jpg_0", "jpg_1", "label_0", "caption"])
    pairs: list[Pair] = []
    for row in table.to_pylist():
        if row["label_0"] == 1:
            pairs.append(Pair(row["jpg_0"], row["jpg_1"], row["caption"]))
        elif row["label_0"] == 0:
            pairs.append(Pair(row["jpg_1"], row["jpg_0"], row["caption"]))
        # label_0 = 0.5 is a tie: no preference to learn from (Diffusion-DPO drops them too).
    return pairs


def read_native_jsonl(path: Path, criterion: str | None = None) -> list[Pair]:
    pairs: list[Pair] = []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, start=1):
            if not line.strip():
                continue
            try:
                rec = json.loads(line)
            except json.JSONDecodeError as err:
                raise DataError(f"{path.name} line {n}: not JSON ({err.msg})") from err
            aggregate = rec.get("aggregate") or {}
            decision = aggregate.get(criterion) if criterion else next(iter(aggregate.values()), None)
            winner = (decision or {}).get("winner")
            caption = rec.get("prompt_neutral")
            if winner not in ("a", "b") or caption is None:
                continue
            first, second = (rec["set_a"], rec["set_b"]) if winner == "a" else (rec["set_b"], rec["set_a"])
            w = [_resolve(path.parent, im["path"], f"{path.name} line {n}") for im in first["images"]]
            l = [_resolve(path.parent, im["path"], f"{path.name} line {n}") for im in second["images"]]
            if not w or not l:
                raise DataError(f"{path.name} line {n}: set pair {rec.get('pair_id')} has an empty set")
            for i in range(max(len(w), len(l))):
                pairs.append(Pair(w[i % len(w)], l[i % len(l)], caption))
    return pairs


def read_export(path: str | Path, fmt: str | None = None) -> list[Pair]:
    p = Path(path)
    if not p.is_file():
        raise DataError(f"snapshot export {p} not found")
    fmt = fmt or detect_format(p)
    reader = {"popalign_csv": read_popalign_csv, "pickapic_parquet": read_pickapic_parquet, "jsonl": read_native_jsonl}.get(fmt)
    if reader is None:
        raise DataError(f"unknown export format {fmt!r}; expected popalign_csv, pickapic_parquet or jsonl")
    pairs = reader(p)
    if not pairs:
        raise DataError(f"{p.name} holds no decided preference pairs to train on")
    return pairs


def file_sha256(path: str | Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def load_image(ref: ImageRef, resolution: int):
    """RGB tensor [3, R, R] in [-1, 1]: shorter side resized to R (bicubic), then centre-cropped."""
    import numpy as np
    import torch
    from PIL import Image

    im = Image.open(io.BytesIO(ref) if isinstance(ref, (bytes, bytearray)) else ref).convert("RGB")
    w, h = im.size
    s = resolution / min(w, h)
    im = im.resize((max(resolution, round(w * s)), max(resolution, round(h * s))), Image.BICUBIC)
    w, h = im.size
    left, top = (w - resolution) // 2, (h - resolution) // 2
    im = im.crop((left, top, left + resolution, top + resolution))
    arr = torch.from_numpy(np.asarray(im, dtype=np.float32).copy()).permute(2, 0, 1)
    return arr / 127.5 - 1.0
