"""Built-in plugin: exporters."""
