"""Built-in plugin: tasks."""
