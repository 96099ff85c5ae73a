"""Built-in plugins, registered like any other plugin."""
