"""The LLM stages of environment synthesis: ``llm/builder``, ``llm/scenarios``, ``llm/reviser``."""
