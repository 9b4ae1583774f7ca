"""Prints one JSON object describing this environment: Python, library versions, CUDA and GPUs.

The studio runs it after installing (and whenever it shows the trainer screen) to say what it found.
Each library is imported separately so one broken package is reported by name, not as a crash.
"""
from __future__ import annotations

import importlib
import json
import platform
import sys


def _version(name: str) -> str | None:
    try:
        return getattr(importlib.import_module(name), "__version__", "unknown")
    except Exception as err:  # noqa: BLE001 - any import failure is a finding to report
        return f"error: {type(err).__name__}: {err}"


def _optional_version(name: str) -> str | None:
    """An optional package: None when it is not installed at all, else its version (or why it fails to import)."""
    import importlib.util

    if importlib.util.find_spec(name) is None:
        return None
    return _version(name)


def probe() -> dict:
    out: dict = {
        "python": platform.python_version(),
        "executable": sys.executable,
        "platform": platform.platform(),
        "packages": {n: _version(n) for n in ("torch", "diffusers", "transformers", "accelerate", "peft", "safetensors")},
        # Optional: DeepSpeed ZeRO is offered only where this says it imports.
        "deepspeed": _optional_version("deepspeed"),
        "cuda": None,
        "gpus": [],
        "mps": False,
    }
    try:
        import torch

        out["cuda"] = torch.version.cuda if torch.cuda.is_available() else None
        out["cudaBuild"] = torch.version.cuda
        for i in range(torch.cuda.device_count() if torch.cuda.is_available() else 0):
            free, total = torch.cuda.mem_get_info(i)
            out["gpus"].append({"index": i, "name": torch.cuda.get_device_name(i), "freeBytes": free, "totalBytes": total})
        out["mps"] = bool(getattr(torch.backends, "mps", None) and torch.backends.mps.is_available())
        out["threads"] = torch.get_num_threads()
    except Exception as err:  # noqa: BLE001
        out["torchError"] = f"{type(err).__name__}: {err}"
    try:
        import psutil

        vm = psutil.virtual_memory()
        out["memory"] = {"freeBytes": vm.available, "totalBytes": vm.total}
    except Exception:  # noqa: BLE001 - psutil comes with accelerate; absent means unknown
        out["memory"] = None
    return out


if __name__ == "__main__":
    print(json.dumps(probe()))
