"""The model-voiced patient: each request starts with the previous one (so a server's prefix cache hits and
a turn sends only its new text), the small-model lead-in never changes the scripted line, and a model
that has not said a word within the first-word wait gives way to the scripted line at once."""

import time
from dataclasses import replace

from trainer.llm import EndpointConfig, LLMClient
from trainer.llm.testing import FakeOpenAI
from trainer.personas.llm import LLMPersona
from trainer.session import CallSession

REPLIES = [
    "Hi, I'm Sam in patient billing. I'm sorry this bill was a surprise. Can I have your full name and date of birth?",
    "Thank you. The rest went to your deductible, the amount you pay each year before insurance pays.",
    "We have a financial assistance program based on income, and we can also set up a payment plan.",
]


def call(library, store, fake, style, persona_kw=None, **cfg):
    config = EndpointConfig(base_url=fake.base_url, model="fake-model", timeout=2.0, style=style, **cfg)
    client = LLMClient(config)
    made = []
    session = CallSession(
        library.get("surprise-deductible"),
        store,
        store.sign_in("P"),
        seed=3,
        persona_factory=lambda s, v, r: made.append(LLMPersona(s, v, r, client, **(persona_kw or {}))) or made[-1],
    )
    lines = [session.open()]
    for reply in REPLIES:
        if session.finished:
            break
        lines.append(session.submit(reply).patient)
    client.close()
    return session, made[0], lines


def real_requests(fake):
    return [r for r in fake.requests if r.get("max_tokens", 0) > 1]


def test_each_request_starts_with_the_previous_one_and_adds_one_short_message(library, store):
    with FakeOpenAI(reply="Oh, okay.") as fake:
        session, persona, lines = call(library, store, fake, "paraphrase", first_word_timeout=2.0)
        reqs = real_requests(fake)
    assert len(reqs) == len(lines) >= 3
    for before, after in zip(reqs, reqs[1:]):
        old, new = before["messages"], after["messages"]
        assert new[: len(old)] == old  # the whole previous request is the prefix of the next
        added = new[len(old) :]
        assert [m["role"] for m in added] == ["assistant", "user"]
        assert len(added[1]["content"]) < 400  # the turn's own text only: the reply's end and the line
    assert len({r["messages"][0]["content"] for r in reqs}) == 1  # one system prompt for the whole call
    assert all(r["stop"][0] == "\n" and r["max_tokens"] <= 64 for r in reqs)


def test_a_server_on_this_machine_is_sent_the_conversation_ahead(library, store):
    with FakeOpenAI(reply="Oh, okay.") as fake:
        session, persona, lines = call(library, store, fake, "lead_in")
        deadline = time.monotonic() + 2
        while len(fake.requests) < 2 * len(lines) - 1 and time.monotonic() < deadline:
            time.sleep(0.02)
        ahead = [r for r in fake.requests if r.get("max_tokens") == 1]
        reqs = real_requests(fake)
    assert persona.prefetch and ahead
    # what was sent ahead is exactly the next turn's prefix
    assert any(r["messages"] == nxt["messages"][: len(r["messages"])] for r in ahead for nxt in reqs[1:])


def test_the_lead_in_goes_before_the_scripted_line_which_is_shown_as_written(library, store):
    expected = CallSession(library.get("surprise-deductible"), store, store.sign_in("S"), seed=3).open()
    with FakeOpenAI(reply="Oh, okay") as fake:
        session, persona, lines = call(library, store, fake, "lead_in")
        req = real_requests(fake)[0]
    assert persona.style == "lead_in" and req["max_tokens"] == 12 and "." in req["stop"]
    first = lines[0]
    assert not first.fallback and first.text == "Oh, okay. " + expected.text
    assert persona.gist_of(first) == expected.text
    assert all(line.text.endswith(persona.gist_of(line)) for line in lines)


def test_a_lead_in_that_says_a_fact_gives_the_scripted_line(library, store):
    with FakeOpenAI(reply="Three hundred dollars") as fake:
        session, persona, lines = call(library, store, fake, "lead_in")
    assert all(line.fallback for line in lines)
    assert persona.outcomes[0].reason.startswith("guard:lead_in")


def test_no_first_word_in_time_shows_the_scripted_line_at_once(library, store):
    """Once the call is connected; its first line waits out the deadline while the phone rings (the
    server has the whole system prompt to read then)."""
    with FakeOpenAI(mode="stall", stall=5) as fake:
        config = EndpointConfig(base_url=fake.base_url, model="fake-model", timeout=1.5, first_word_timeout=0.3, max_retries=0)
        client = LLMClient(config)
        session = CallSession(
            library.get("surprise-deductible"),
            store,
            store.sign_in("W"),
            seed=3,
            persona_factory=lambda s, v, r: LLMPersona(s, v, r, client, prefetch=False),
        )
        t0 = time.monotonic()
        line = session.open()
        opened = time.monotonic() - t0
        assert line.fallback and 1.5 <= opened < 1.5 + 0.5
        assert session.persona.last_outcome.reason.startswith("timeout")
        t0 = time.monotonic()
        line = session.submit(REPLIES[0]).patient
        took = time.monotonic() - t0
        client.close()
    assert line.fallback and took < 0.3 + 0.5
    assert session.persona.last_outcome.reason.startswith("slow_start")


def test_the_style_comes_from_the_endpoint_and_the_model_size(library):
    loaded = library.get("surprise-deductible")
    small = LLMClient(EndpointConfig(base_url="http://127.0.0.1:9/v1", model="qwen2.5-1.5b-instruct"))
    big = LLMClient(replace(small.config, model="llama3.1:8b"))
    import random

    values = {k: "x" for k in loaded.scenario.variables}
    assert LLMPersona(loaded.scenario, values, random.Random(1), small).style == "choose"
    assert LLMPersona(loaded.scenario, values, random.Random(1), big).style == "paraphrase"
    assert LLMPersona(loaded.scenario, values, random.Random(1), big, style="lead_in").style == "lead_in"
    small.close()
    big.close()


def test_every_call_in_a_style_starts_with_the_rules_the_server_warmed_up_on(library, store):
    from trainer.llm.prompt import rules_prefix, system_prompt

    loaded = library.get("surprise-deductible")
    values = {k: "x" for k in loaded.scenario.variables}
    for style in ("paraphrase", "choose", "lead_in"):
        assert system_prompt(loaded.scenario, values, style).startswith(rules_prefix(style) + "\n")
    short = system_prompt(loaded.scenario, values, "choose")
    assert "Situation" not in short and "account" not in short  # a reaction needs who, not what
    with FakeOpenAI(reply="Hi") as fake:
        client = LLMClient(EndpointConfig(base_url=fake.base_url, model="fake-model"))
        client.warm_up(5.0, system=rules_prefix("choose"))
        client.close()
    assert fake.requests[0]["messages"][0] == {"role": "system", "content": rules_prefix("choose")}
