"""Reads the studio's trainer exports the way the external trainers' loaders do (issue 13, item 4).

Run by test/export/external-loaders.test.ts with the managed trainer environment's Python (pyarrow,
Pillow). Input on stdin: {"csv": path, "parquet": path}. Output on stdout: what each loader would
train on. Written from reading the loaders, not copied from them:

- PopAlignSDXL main.py (--dataloader dpo --train_data_dir <csv>): pandas.read_csv(csv), asserts a
  'label' column, opens jpg_0 and jpg_1 with PIL.Image.open(<path>) (relative to the trainer's working
  directory), asserts label == 0 for every row ("the first image is better"), takes the caption from
  'coco_caption' if present else 'caption' and needs a str. pandas is not in the environment, so the
  CSV is read with the csv module plus pandas' default missing-value strings, which read_csv would
  turn into NaN (a float caption).
- Diffusion-DPO train.py (pickapic path): load_dataset over the parquet, keeps rows whose label_0 is
  0 or 1 (drops the 0.5 ties) only when 'pickapic' is in --dataset_name, opens
  Image.open(io.BytesIO(jpg_0 / jpg_1)), flips the pair when label_0 == 0, tokenizes 'caption'.
"""
import csv
import hashlib
import io
import json
import os
import sys
import tempfile

import pyarrow.parquet as pq
from PIL import Image

# pandas' default na_values (read_csv keep_default_na=True): a caption equal to one of these is NaN.
PANDAS_NA = {"", "#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan", "1.#IND", "1.#QNAN",
             "<NA>", "N/A", "NA", "NULL", "NaN", "None", "n/a", "nan", "null"}


def sha(b):
    return hashlib.sha256(b).hexdigest()


def popalign_csv(path):
    problems = []
    rows = []
    # The trainer runs from its own folder: relative image paths would resolve there, not beside the CSV.
    elsewhere = tempfile.mkdtemp()
    here = os.getcwd()
    os.chdir(elsewhere)
    try:
        with open(path, newline="", encoding="utf-8") as f:
            reader = csv.DictReader(f)
            columns = reader.fieldnames or []
            if "label" not in columns:
                problems.append("no label column")
            for i, r in enumerate(reader):
                if r.get("label") != "0":
                    problems.append(f"row {i}: label {r.get('label')!r} is not 0 (the loader asserts it)")
                caption = r.get("coco_caption", r.get("caption"))
                if caption is None or caption in PANDAS_NA:
                    problems.append(f"row {i}: caption {caption!r} would not be a str after read_csv")
                opened = []
                for col in ("jpg_0", "jpg_1"):
                    try:
                        with Image.open(r[col]) as im:
                            im.convert("RGB")
                        with open(r[col], "rb") as fh:
                            opened.append(sha(fh.read()))
                    except Exception as e:  # noqa: BLE001 - reported as the loader would fail
                        problems.append(f"row {i}: {col} {r[col]!r} cannot be opened: {e}")
                if len(opened) == 2:
                    rows.append({"winner": opened[0], "loser": opened[1], "caption": caption})
    finally:
        os.chdir(here)
    return {"columns": columns, "rows": rows, "problems": problems}


def pickapic_parquet(path):
    problems = []
    table = pq.read_table(path)
    columns = table.column_names
    types = {name: str(table.schema.field(name).type) for name in ("jpg_0", "jpg_1", "label_0", "caption") if name in columns}
    data = table.select([c for c in ("jpg_0", "jpg_1", "label_0", "caption") if c in columns]).to_pylist()
    kept = [r for r in data if r["label_0"] in (0, 1)]
    pairs = []
    for i, r in enumerate(kept):
        images = []
        for col in ("jpg_0", "jpg_1"):
            try:
                with Image.open(io.BytesIO(r[col])) as im:
                    im.convert("RGB")
                images.append(sha(r[col]))
            except Exception as e:  # noqa: BLE001
                problems.append(f"kept row {i}: {col} is not an image PIL can open: {e}")
        if not isinstance(r["caption"], str):
            problems.append(f"kept row {i}: caption is {type(r['caption']).__name__}, not str")
        if len(images) == 2:
            if r["label_0"] == 0:
                images.reverse()  # the loader flips so the preferred image comes first
            pairs.append({"winner": images[0], "loser": images[1], "caption": r["caption"]})
    return {"columns": columns, "types": types, "rows": pairs, "dropped": len(data) - len(kept), "problems": problems}


def main():
    req = json.load(sys.stdin)
    json.dump({"csv": popalign_csv(req["csv"]), "parquet": pickapic_parquet(req["parquet"])}, sys.stdout)


if __name__ == "__main__":
    main()
