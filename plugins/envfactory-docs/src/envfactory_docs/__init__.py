"""Documentation generators for envfactory: pages rendered from the installed components.

Development tooling, not part of the runtime: ``envfactory docs domains`` (the catalogue of
installed environments, :mod:`envfactory_docs.domains`), ``envfactory docs prompts`` (the prompt
template reference, :mod:`envfactory_docs.prompts`) and ``envfactory docs tasks RUN`` (the
task-yield figures, :mod:`envfactory_docs.tasks`), each with ``--check`` for CI.
:mod:`envfactory_docs.sections` writes a generated section inside a hand-written page (the
benchmarks use it for ``docs/performance.md``).
"""

from __future__ import annotations

__all__: list[str] = []
