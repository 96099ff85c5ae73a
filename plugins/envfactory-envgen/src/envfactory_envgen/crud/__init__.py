"""``envgen/crud``: CRUD semantics inferred from an API, generated as code on the SDK, with derived scenarios."""
