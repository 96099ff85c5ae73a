"""A tiny built-in embedder that needs no model (the contract is ``envfactory_core.contracts.Embedder``).

An embedder turns texts into vectors for linkers that compare meanings (``core/embedding``).
Plugins register real ones through ``register_embedders`` (an OpenAI-compatible endpoint, a local
ONNX model); the built-in ``core/hashed-ngrams`` hashes character trigrams and words, so the
embedding linker runs offline and in tests. It sees spelling, not meaning: a real model is what
links ``town`` to ``destination_city``.
"""

from __future__ import annotations

import math
import zlib
from collections.abc import Sequence
from typing import ClassVar

import attrs

from ..ids import JsonValue
from ._text import text_tokens

__all__ = ["HashedNgramEmbedder"]


@attrs.frozen(kw_only=True)
class HashedNgramEmbedder:
    """Hashed character trigrams and words (no model): offline, instant, spelling-level similarity."""

    name: ClassVar[str] = "hashed-ngrams"
    component_name: ClassVar[str] = "core/hashed-ngrams"
    dimensions: int = 512

    def settings(self) -> dict[str, JsonValue]:
        return {"dimensions": self.dimensions, "scheme": "crc32 trigrams+words v1"}

    def embed(self, texts: Sequence[str]) -> list[list[float]]:
        return [self._vector(text) for text in texts]

    def _vector(self, text: str) -> list[float]:
        vector = [0.0] * self.dimensions
        for word in text_tokens(text):
            features = [f"w:{word}"]
            padded = f"<{word}>"
            features.extend(padded[i : i + 3] for i in range(len(padded) - 2))
            for feature in features:
                code = zlib.crc32(feature.encode("utf-8"))
                vector[code % self.dimensions] += 1.0 if code & 0x80000000 else -1.0
        norm = math.sqrt(sum(value * value for value in vector))
        return [value / norm for value in vector] if norm else vector
