"""Endpoint settings: settings win, then OPENAI_* variables; the key never reaches a file or a log."""

import json
import logging

from trainer.llm import endpoint as ep
from trainer.llm.server import free_port
from trainer.llm.testing import FakeOpenAI
from trainer.settings import Settings, load_settings, save_settings


def test_settings_then_environment():
    env = {"OPENAI_BASE_URL": "http://gpu-box:8000/v1", "OPENAI_API_KEY": "sk-secret-123", "OPENAI_MODEL": "m-env"}
    c = ep.EndpointConfig.from_settings(Settings(), env=env)
    assert (c.base_url, c.model, c.api_key) == ("http://gpu-box:8000/v1", "m-env", "sk-secret-123")
    s = Settings(llm_base_url="localhost:11434", llm_model="llama3.2")
    c = ep.EndpointConfig.from_settings(s, env=env)
    assert (c.base_url, c.model) == ("http://localhost:11434/v1", "llama3.2")
    assert ep.EndpointConfig.from_settings(s, env=env, api_key="sk-typed").api_key == "sk-typed"
    assert ep.EndpointConfig.from_settings(Settings(), env={}).base_url == "https://api.openai.com/v1"


def test_the_key_is_not_in_repr_logs_or_settings_file(tmp_path, caplog):
    c = ep.EndpointConfig.from_settings(
        Settings(llm_enabled=True, llm_base_url="http://x:1/v1"), env={"OPENAI_API_KEY": "sk-secret-123"}
    )
    assert "sk-secret-123" not in repr(c) and "sk-secret-123" not in str(c)
    with caplog.at_level(logging.DEBUG):
        logging.getLogger("test").info("endpoint %s", c)
        ep.check_connection(
            ep.EndpointConfig(base_url=f"http://127.0.0.1:{free_port()}/v1", api_key="sk-secret-123"), timeout=0.5
        )
    assert "sk-secret-123" not in caplog.text
    s, _ = load_settings(tmp_path)
    s.llm_base_url = c.base_url
    save_settings(tmp_path, s)
    assert "sk-secret-123" not in (tmp_path / "settings.json").read_text()
    assert not any("key" in k for k in json.loads((tmp_path / "settings.json").read_text()))


def test_connection_report_says_what_it_found():
    with FakeOpenAI(models=("smol", "big")) as fake:
        r = ep.check_connection(ep.EndpointConfig(base_url=fake.base_url, model="smol", api_key="sk-k"))
        assert r.ok and r.reachable and r.model_present and r.models == ["big", "smol"]
        assert {k.lower(): v for k, v in fake.headers[-1].items()}["authorization"] == "Bearer sk-k"
        r = ep.check_connection(ep.EndpointConfig(base_url=fake.base_url, model="other"))
        assert r.reachable and r.model_present is False and not r.ok and "'other' is not listed" in r.message
        r = ep.check_connection(ep.EndpointConfig(base_url=fake.base_url))
        assert r.model_present is None and "Choose one" in r.message
    with FakeOpenAI(mode="no_models") as fake:
        r = ep.check_connection(ep.EndpointConfig(base_url=fake.base_url, model="x"))
        assert r.reachable and not r.ok and "HTTP 404" in r.message
    r = ep.check_connection(ep.EndpointConfig(base_url=f"http://127.0.0.1:{free_port()}/v1"), timeout=1)
    assert not r.reachable and "Could not connect" in r.message


def test_the_built_in_server_leaves_alone_the_cores_other_work_keeps_busy(monkeypatch):
    import os

    from trainer.llm.server import default_threads

    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1}, raising=False)
    monkeypatch.setattr(os, "getloadavg", lambda: (0.6, 0.5, 0.4))
    assert default_threads() == 2  # an idle kiosk: every core
    monkeypatch.setattr(os, "getloadavg", lambda: (1.3, 1.0, 0.7))
    assert default_threads() == 1  # one core kept busy elsewhere
    monkeypatch.setattr(os, "getloadavg", lambda: (7.0, 7.0, 7.0))
    assert default_threads() == 1  # never none
