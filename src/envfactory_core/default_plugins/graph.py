"""Built-in plugin: graph."""
