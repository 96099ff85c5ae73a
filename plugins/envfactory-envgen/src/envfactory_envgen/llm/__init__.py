"""The LLM stages of environment synthesis: ``envgen/llm_builder``, ``envgen/llm_scenarios``, ``envgen/llm_reviser``."""
