"""Built-in plugin: pipeline."""
