"""Built-in plugin: verifiers."""
