"""Language-model voices and the optional judge, through any OpenAI-compatible endpoint.

Qt-free. Nothing here writes the API key anywhere: it lives in memory (or the environment) only.
"""

from .client import LLMClient, LLMError
from .endpoint import ConnectionReport, EndpointConfig, check_connection

__all__ = ["ConnectionReport", "EndpointConfig", "LLMClient", "LLMError", "check_connection"]
