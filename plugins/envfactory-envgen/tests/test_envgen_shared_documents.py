"""Must-show 1: envgen/crud builds every shared OpenAPI document that has stateful resources, and each
environment passes the conformance kit and its derived scenarios; skipped operations are listed."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from envfactory_envgen.build import BuildSummary
from envfactory_envgen.validate.checkpoints import Checkpoints

from envfactory_core.cli import build_cli
from envfactory_core.cli.app import App
from envfactory_core.store import RunStore

from .conftest import envgen_plugin_manager

EXPECTED = {
    "adyen_balanceplatform_v2",
    "harbor_v2_0_swagger",
    "oai_petstore_expanded",
    "swagger_petstore_v3",
    "twilio_sync_v1",
    "typespec_library",
    "typespec_todoapp",
}


def test_every_shared_document_is_built_and_verified(shared_build: tuple[BuildSummary, Path]) -> None:
    summary, run_dir = shared_build
    assert {outcome.name for outcome in summary.outcomes} == EXPECTED
    failed = {outcome.name: outcome.reason for outcome in summary.failed}
    assert not failed, failed
    assert summary.built == summary.verified == 7
    with RunStore(run_dir, create=False) as store:
        for build in Checkpoints(store).builds():
            assert build.status == "verified"
            assert build.report is not None
            assert build.generated is not None
            names = [check.name for check in build.report.checks]
            assert "loads" in names
            assert build.report.passed
            conformance = [name for name in names if name.startswith("conformance.")]
            scenarios = [name for name in names if name.startswith("scenario:")]
            assert len(conformance) == 10, names  # the whole kit ran
            assert len(scenarios) == len(build.generated.scenarios) >= 3
            assert "sandboxed" in build.report.checks[0].detail


def test_skipped_operations_are_listed_with_reasons(shared_build: tuple[BuildSummary, Path]) -> None:
    summary, _ = shared_build
    data = summary.to_json()
    skipped = {(Path(item["source"]).name, item["operation"]): item["reason"] for item in data["skipped_operations"]}
    assert (
        "only application/octet-stream"
        in skipped[("swagger-petstore-v3.yaml", "POST /pet/{petId}/uploadImage (uploadFile)")]
    )
    assert "action" in skipped[("adyen-balanceplatform-v2.yaml", "POST /pins/change (post-pins-change)")]
    assert (
        "text/plain"
        in skipped[("typespec-library.yaml", "POST /v1/shelves/{name}:merge (LibraryService_mergeShelves)")]
    )
    assert all(reason.strip() for reason in skipped.values())
    by_name = {outcome.name: outcome for outcome in summary.outcomes}
    assert not by_name["twilio_sync_v1"].skipped  # every Sync operation has stored meaning
    assert len(by_name["harbor_v2_0_swagger"].skipped) > 20


def test_the_report_command_prints_built_and_skipped_counts_per_document(
    shared_build: tuple[BuildSummary, Path],
) -> None:
    _, run_dir = shared_build
    runner = CliRunner()
    cli = build_cli(App(envgen_plugin_manager()))
    result = runner.invoke(cli, ["envgen", "report", str(run_dir), "--json"])
    assert result.exit_code == 0, result.output
    rows = {row["document"]: row for row in json.loads(result.output)}
    assert set(rows) == {
        f"{name}.yaml"
        for name in (
            "adyen-balanceplatform-v2",
            "harbor-v2.0.swagger",
            "oai-petstore-expanded",
            "swagger-petstore-v3",
            "twilio-sync-v1",
            "typespec-library",
            "typespec-todoapp",
        )
    }
    assert rows["oai-petstore-expanded.yaml"]["operations"] == 4
    assert rows["oai-petstore-expanded.yaml"]["skipped"] == 0
    assert rows["swagger-petstore-v3.yaml"]["tools"] + rows["swagger-petstore-v3.yaml"]["skipped"] == 19
    assert rows["harbor-v2.0.swagger.yaml"]["operations"] == 203
    assert all(row["status"] == "verified" for row in rows.values())
    markdown = runner.invoke(cli, ["envgen", "report", str(run_dir), "--markdown"])
    assert markdown.exit_code == 0
    assert markdown.output.count("| verified |") == 7


def test_a_second_build_into_the_same_run_resumes_everything(shared_build: tuple[BuildSummary, Path]) -> None:
    from envfactory_envgen.build import run_build

    from envfactory_core.registry import Registry

    from .conftest import DOCUMENTS

    _, run_dir = shared_build
    again = run_build(
        [str(path) for path in DOCUMENTS[:2]], registry=Registry(envgen_plugin_manager()), run_dir=run_dir
    )
    assert all(outcome.resumed and outcome.status == "verified" for outcome in again.outcomes)
