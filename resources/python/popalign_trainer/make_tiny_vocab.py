"""Writes the committed tiny CLIP tokenizer files (vocab.json, merges.txt) in tiny_tokenizer/.

CLIP's tokenizer is byte-level BPE: its vocabulary holds every byte symbol, the same symbols with
the end-of-word marker "</w>", one entry per merge, and the two special tokens. Real CLIP has 49k
merges; a tiny model needs only the format, so we learn a few hundred merges from the words the
studio's prompts use. Run: python -m popalign_trainer.make_tiny_vocab (output is deterministic).
"""
from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

CORPUS = (
    "a realistic photo of a doctor nurse engineer teacher scientist chef pilot farmer lawyer "
    "firefighter police officer astronaut botanist artist musician programmer judge dentist "
    "male female man woman person people portrait face smiling standing working in an office "
    "hospital kitchen laboratory classroom forest city street at the with and best quality "
    "white asian black latino hispanic indian middle eastern young old mid aged very figure "
    "red green blue yellow shirt hat holding cataloging plant species dense "
)
N_MERGES = 300
TOKENIZER_DIR = Path(__file__).with_name("tiny_tokenizer")


def bytes_to_unicode() -> dict[int, str]:
    """GPT-2/CLIP's reversible map from bytes to printable unicode characters."""
    printable = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    codes = printable[:]
    extra = 0
    for b in range(256):
        if b not in printable:
            printable.append(b)
            codes.append(256 + extra)
            extra += 1
    return {b: chr(c) for b, c in zip(printable, codes)}


def learn_merges(words: list[str], n_merges: int) -> list[tuple[str, str]]:
    freq = Counter(words)
    # Each word as symbols, the last carrying CLIP's end-of-word marker.
    splits = {w: tuple(list(w[:-1]) + [w[-1] + "</w>"]) for w in freq}
    merges: list[tuple[str, str]] = []
    for _ in range(n_merges):
        pairs: Counter[tuple[str, str]] = Counter()
        for w, syms in splits.items():
            for a, b in zip(syms, syms[1:]):
                pairs[(a, b)] += freq[w]
        if not pairs:
            break
        # Ties broken by the pair itself so the output never depends on dict order.
        best = max(pairs.items(), key=lambda kv: (kv[1], kv[0]))[0]
        merges.append(best)
        for w, syms in splits.items():
            out: list[str] = []
            i = 0
            while i < len(syms):
                if i + 1 < len(syms) and (syms[i], syms[i + 1]) == best:
                    out.append(syms[i] + syms[i + 1])
                    i += 2
                else:
                    out.append(syms[i])
                    i += 1
            splits[w] = tuple(out)
    return merges


def main() -> None:
    byte_syms = list(bytes_to_unicode().values())
    merges = learn_merges(CORPUS.split(), N_MERGES)
    tokens = byte_syms + [s + "</w>" for s in byte_syms] + ["".join(m) for m in merges]
    tokens += ["<|startoftext|>", "<|endoftext|>"]
    vocab: dict[str, int] = {}
    for t in tokens:
        vocab.setdefault(t, len(vocab))
    TOKENIZER_DIR.mkdir(exist_ok=True)
    (TOKENIZER_DIR / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False, indent=0) + "\n", encoding="utf-8")
    lines = ["#version: 0.2"] + [f"{a} {b}" for a, b in merges]
    (TOKENIZER_DIR / "merges.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(json.dumps({"vocab_size": len(vocab), "merges": len(merges)}))


if __name__ == "__main__":
    main()
