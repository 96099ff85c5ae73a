"""Built-in plugin: llm."""
