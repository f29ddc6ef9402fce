"""Where the model lives: base URL, model name and key, from the settings and the standard variables.

The key is read from OPENAI_API_KEY (or given in memory by the settings dialog for this run);
it is never part of Settings, so it never reaches settings.json, SQLite, logs or exports.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from typing import Mapping

DEFAULT_TIMEOUT = 8.0  # seconds for a whole reply, first byte to last
DEFAULT_FIRST_WORD = 2.5  # seconds: no word by then and the scripted line is shown at once
STYLES = ("auto", "paraphrase", "choose", "lead_in")  # choose, lead_in: a few words before the script's line
DEFAULT_RETRIES = 1  # extra tries after a failed connection / 429 / 5xx, before any token arrived
LOCAL_KEY = "sk-no-key-needed"  # local servers (llama.cpp, Ollama, vLLM, LM Studio) accept any key


@dataclass(frozen=True)
class EndpointConfig:
    base_url: str = "https://api.openai.com/v1"
    model: str = ""
    api_key: str = field(default="", repr=False)  # never printed, never stored
    timeout: float = DEFAULT_TIMEOUT
    max_retries: int = DEFAULT_RETRIES
    first_word_timeout: float | None = DEFAULT_FIRST_WORD
    style: str = "auto"

    def __repr__(self) -> str:  # the key stays out of logs and tracebacks
        return (
            f"EndpointConfig(base_url={self.base_url!r}, model={self.model!r}, "
            f"api_key={'set' if self.api_key else 'unset'}, timeout={self.timeout}, "
            f"max_retries={self.max_retries}, first_word_timeout={self.first_word_timeout}, "
            f"style={self.style!r})"
        )

    __str__ = __repr__

    @property
    def key_for_client(self) -> str:
        return self.api_key or LOCAL_KEY

    @classmethod
    def from_settings(
        cls, settings: object | None = None, env: Mapping[str, str] | None = None, api_key: str | None = None, **overrides
    ) -> "EndpointConfig":
        """Settings win over OPENAI_BASE_URL; the key comes from `api_key` (memory) or OPENAI_API_KEY."""
        env = os.environ if env is None else env
        base = (getattr(settings, "llm_base_url", "") or env.get("OPENAI_BASE_URL", "") or cls.base_url).strip()
        model = (getattr(settings, "llm_model", "") or env.get("OPENAI_MODEL", "")).strip()
        key = api_key if api_key else env.get("OPENAI_API_KEY", "")
        return cls(base_url=normalise_base_url(base), model=model, api_key=key, **{**timing_from_settings(settings), **overrides})


def timing_from_settings(settings: object | None) -> dict:
    """The deadline, first-word wait and style from Settings, clamped: a hand-edited settings file
    cannot make a line wait a minute or give up before a server could answer."""
    deadline = _number(getattr(settings, "llm_deadline", DEFAULT_TIMEOUT), DEFAULT_TIMEOUT, 2.0, 30.0)
    first = _number(getattr(settings, "llm_first_word", DEFAULT_FIRST_WORD), DEFAULT_FIRST_WORD, 0.5, deadline)
    style = getattr(settings, "llm_style", "auto")
    return {"timeout": deadline, "first_word_timeout": first, "style": style if style in STYLES else "auto"}


def _number(value: object, default: float, low: float, high: float) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value != value:
        return default
    return float(min(max(value, low), high))


def normalise_base_url(url: str) -> str:
    """'localhost:11434' -> 'http://localhost:11434/v1'; an explicit path is kept."""
    url = url.strip().rstrip("/")
    if not url:
        return EndpointConfig.base_url
    if "://" not in url:
        url = "http://" + url
    scheme, rest = url.split("://", 1)
    if "/" not in rest:  # host[:port] only: OpenAI-compatible servers serve under /v1
        url = f"{scheme}://{rest}/v1"
    return url


@dataclass
class ConnectionReport:
    reachable: bool
    models: list[str]
    model_present: bool | None  # None: no model chosen yet
    message: str
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.reachable and bool(self.models) and self.model_present is not False


def test_connection(config: EndpointConfig, timeout: float = 5.0) -> ConnectionReport:
    """Reachable? Which models does it list? Is the chosen one among them? One short sentence each."""
    import openai

    from .transport import bounded_http_client

    http = bounded_http_client(timeout)
    client = openai.OpenAI(
        base_url=config.base_url, api_key=config.key_for_client, timeout=timeout, max_retries=0, http_client=http
    )
    t0 = time.perf_counter()
    try:
        models = sorted(m.id for m in client.models.list())
    except openai.AuthenticationError:
        return ConnectionReport(
            True,
            [],
            None,
            f"{config.base_url} answered but refused the API key (set OPENAI_API_KEY or enter a key).",
            time.perf_counter() - t0,
        )
    except openai.APIStatusError as e:
        return ConnectionReport(
            True,
            [],
            None,
            f"{config.base_url} answered with HTTP {e.status_code}; is this an OpenAI-compatible /v1 address?",
            time.perf_counter() - t0,
        )
    except openai.APITimeoutError:
        return ConnectionReport(
            False, [], None, f"{config.base_url} did not answer within {timeout:g} s.", time.perf_counter() - t0
        )
    except openai.APIConnectionError:
        return ConnectionReport(
            False,
            [],
            None,
            f"Could not connect to {config.base_url} (is the server running, and is the address right?).",
            time.perf_counter() - t0,
        )
    except Exception as e:  # malformed answer
        return ConnectionReport(
            True,
            [],
            None,
            f"{config.base_url} answered, but not as an OpenAI-compatible server ({type(e).__name__}).",
            time.perf_counter() - t0,
        )
    finally:
        client.close()
        http.close()
    secs = time.perf_counter() - t0
    shown = ", ".join(models[:8]) + (f" and {len(models) - 8} more" if len(models) > 8 else "")
    if not config.model:
        return ConnectionReport(
            True,
            models,
            None,
            f"Connected in {secs * 1000:.0f} ms. {len(models)} model(s): {shown or 'none listed'}. Choose one.",
            secs,
        )
    present = config.model in models
    if present:
        msg = f"Connected in {secs * 1000:.0f} ms. Model '{config.model}' is available."
    elif not models:
        msg = f"Connected in {secs * 1000:.0f} ms, but the server lists no models."
    else:
        msg = f"Connected in {secs * 1000:.0f} ms, but '{config.model}' is not listed. Available: {shown}."
    return ConnectionReport(True, models, present, msg, secs)


# a public name, not a pytest test; mypy knows no __test__ on a function, pytest reads it
test_connection.__test__ = False  # type: ignore[attr-defined]
check_connection = test_connection
