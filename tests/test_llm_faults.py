"""Every way the model can fail gives the scripted line, marked, within the timeout plus one second,
and the call goes on. The faults come from small stdlib servers on 127.0.0.1 (trainer/llm/testing.py)."""

import json
import re
import time

import pytest

from trainer.llm import EndpointConfig, LLMClient, LLMError
from trainer.llm.server import free_port
from trainer.llm.testing import FakeOpenAI
from trainer.personas.llm import LLMPersona
from trainer.session import CallSession

TIMEOUT = 1.0
MAX_REPLIES = 14
REPLIES = [
    "Hi, I'm Sam in patient billing. I'm sorry this bill was a surprise. Can I have your full name and date of birth?",
    "Thank you. The rest went to your deductible, which is the amount you pay each year before insurance pays.",
    "We have a financial assistance program based on income, and we can also set up a payment plan.",
    "Yes, we can set a small monthly payment while the application is reviewed.",
]


def gist_echo(req: dict) -> str:
    """A well-behaved model: says the scripted gist it was given."""
    last = req["messages"][-1]["content"]
    return re.search(r'say next: "(.*)"\s*$', last, re.S).group(1)


def play_voiced(library, store, client, seed=3, tokens=None, name="LLM", persona_kw=None):
    """A whole call with a model-voiced patient, built the way the app builds it (a persona factory
    given the session's own values and rng). Returns the session, persona, lines and each line's time."""
    made = []

    def factory(scenario, values, rng):
        made.append(
            LLMPersona(
                scenario, values, rng, client, on_token=tokens.append if tokens is not None else None, **(persona_kw or {})
            )
        )
        return made[-1]

    session = CallSession(library.get("surprise-deductible"), store, store.sign_in(name), seed=seed, persona_factory=factory)
    lines, times = [], []
    t = time.monotonic()
    lines.append(session.open())
    times.append(time.monotonic() - t)
    for reply in replies_for(lines):
        t = time.monotonic()
        lines.append(session.submit(reply).patient)
        times.append(time.monotonic() - t)
        if session.finished:
            break
    return session, made[0], lines, times


def replies_for(lines):
    """The fixed replies, then the scenario's model answer to each line until the call ends."""
    for i in range(MAX_REPLIES):
        yield REPLIES[i] if i < len(REPLIES) else lines[-1].model_answer


def play(library, store, base_url, timeout=TIMEOUT, seed=3, tokens=None, retries=1):
    client = LLMClient(EndpointConfig(base_url=base_url, model="fake-model", timeout=timeout, max_retries=retries))
    try:
        # no conversation sent ahead: each request here is a turn's own
        return play_voiced(library, store, client, seed=seed, tokens=tokens, persona_kw={"prefetch": False})
    finally:
        client.close()


def scripted_lines(library, store, seed=3):
    loaded = library.get("surprise-deductible")
    session = CallSession(loaded, store, store.sign_in("Scripted"), seed=seed)
    lines = [session.open()]
    for reply in replies_for(lines):
        lines.append(session.submit(reply).patient)
        if session.finished:
            break
    return session, lines


FAULTS = {
    "refused": None,
    "stall": dict(mode="stall"),
    "stall_mid_stream": dict(mode="stall_mid", reply="I " + "really " * 30 + "need to know why."),
    "http_500": dict(mode="status", status=500),
    "http_429": dict(mode="status", status=429),
    "cut_off": dict(mode="cut_off", reply="Why do I owe this much money for one knee scan?"),
    "empty": dict(mode="empty"),
    "malformed": dict(mode="malformed"),
    "out_of_character": dict(reply="As an AI language model, I do not have a bill."),
    "coaching": dict(reply="You should have acknowledged my feelings first."),
    "wrong_amount": dict(reply="Why is my bill $99,999.99?"),
}


@pytest.mark.parametrize("fault", list(FAULTS))
def test_each_fault_falls_back_to_the_scripted_line_and_the_call_goes_on(fault, library, store):
    expected_session, expected = scripted_lines(library, store)
    tokens = []
    if FAULTS[fault] is None:
        session, persona, lines, times = play(library, store, f"http://127.0.0.1:{free_port()}/v1", tokens=tokens)
    else:
        with FakeOpenAI(**FAULTS[fault]) as fake:
            session, persona, lines, times = play(library, store, fake.base_url, tokens=tokens)
            if fault in ("http_500", "http_429"):
                assert len(fake.requests) == 2 * len(lines)  # one bounded retry per line, no more
    assert all(line.fallback for line in lines), [o.reason for o in persona.outcomes]
    assert [l.text for l in lines] == [l.text for l in expected]  # the scripted words, node for node
    assert session.finished and session.ending == expected_session.ending
    assert max(times) < TIMEOUT + 1.0, times
    reason = persona.outcomes[0].reason
    kind = {
        "refused": "refused",
        "stall": "timeout",
        "stall_mid_stream": "timeout",
        "http_500": "http",
        "http_429": "rate_limited",
        "cut_off": "cut_off",
        "empty": "empty",
        "malformed": "malformed",
        "out_of_character": "guard:no_ai_talk",
        "coaching": "guard:no_coaching",
        "wrong_amount": "guard:amounts",
    }[fault]
    assert reason.startswith(kind), reason
    assert "AI" not in "".join(tokens) and "You should" not in "".join(tokens)  # never shown, even in part
    stored = store.turns(session.id)
    assert len(stored) == len(session.turns)


def test_a_healthy_model_voices_every_line_streams_it_and_keeps_the_shape(library, store):
    expected_session, expected = scripted_lines(library, store)
    tokens = []
    with FakeOpenAI(responder=lambda r: "Well, " + gist_echo(r)) as fake:
        session, persona, lines, times = play(library, store, fake.base_url, tokens=tokens)
        req = fake.requests[1]
    assert not any(l.fallback for l in lines), [o.reason for o in persona.outcomes]
    assert [l.node_id for l in lines] == [l.node_id for l in expected]
    assert [l.mood for l in lines] == [l.mood for l in expected]
    assert session.ending == expected_session.ending
    assert all(l.text.startswith("Well, ") for l in lines)
    assert "".join(tokens).replace("Well, ", "").strip()  # streamed piece by piece
    assert len(tokens) > len(lines)
    assert req["stream"] is True and req["model"] == "fake-model"
    system = req["messages"][0]["content"]
    assert session.persona_name in system and session.account["balance"] in system  # grounded in the account
    assert any(m["role"] == "assistant" for m in req["messages"])  # the conversation so far
    assert "Can I have your full name and date of birth?" in json.dumps(req["messages"])  # the reply's end
    assert (
        session.store.session(session.id)["persona_mode"] == "llm"
        if "persona_mode" in session.store.session(session.id).keys()
        else True
    )


def test_retry_restores_the_conversation(library, store):
    with FakeOpenAI(responder=gist_echo) as fake:
        loaded = library.get("surprise-deductible")
        session = CallSession(loaded, store, store.sign_in("R"), seed=5)
        client = LLMClient(EndpointConfig(base_url=fake.base_url, model="fake-model", timeout=TIMEOUT))
        session.persona = LLMPersona(session.scenario, session.values, session.persona.rng, client)
        session.open()
        session.submit(REPLIES[0])
        hist = list(session.persona.history)
        session.retry()
        assert len(session.persona.history) == len(hist) - 2
        session.submit(REPLIES[0])
        assert len(session.persona.history) == len(hist)


def test_client_deadline_covers_a_slow_trickle():
    """A server that keeps sending, too slowly, is cut off at the deadline, not at each read."""
    with FakeOpenAI(mode="stall_mid", reply="one two three four", stall=5) as fake:
        client = LLMClient(EndpointConfig(base_url=fake.base_url, model="m", timeout=0.5, max_retries=3))
        t = time.monotonic()
        got = []
        with pytest.raises(LLMError) as e:
            for piece in client.stream([{"role": "user", "content": "hi"}]):
                got.append(piece)
        assert e.value.kind == "timeout" and got and time.monotonic() - t < 1.0
        assert len(fake.requests) == 1  # no retry once text has been shown
