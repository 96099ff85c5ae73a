"""Built-in plugin: loaders."""
