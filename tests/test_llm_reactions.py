"""The "choose" style: a small model picks the patient's reaction from a hand-written list, held to the
list by a grammar where the server takes one, and the scenario's line follows exactly as written."""

import pytest

from trainer.llm import reactions as r
from trainer.llm.guards import GuardContext
from trainer.llm.lead_in import check_lead_in
from trainer.llm.server import llama_cpp_available
from trainer.llm.testing import FakeOpenAI

from test_llm_persona import call


def ctx(gist: str, heard: str = "") -> GuardContext:
    return GuardContext.build(["Dana Alvarez", "$1,200.00"], "Dana Alvarez", gist=gist, heard=heard)


@pytest.mark.parametrize("reaction", r.ALL)
def test_every_reaction_is_fact_free_and_in_character(reaction):
    assert check_lead_in(reaction, ctx("So what happens to the bill now?")).ok


def test_the_list_follows_the_mood():
    furious = r.choices("furious", False, ctx("Why should I pay this?"))
    at_ease = r.choices("at ease", False, ctx("So what happens next?"))
    assert "Seriously?" in furious and "Oh, thank you." not in furious
    assert "Oh, thank you." in at_ease and "Seriously?" not in at_ease


def test_a_call_opens_with_a_greeting_but_never_a_greeting_before_a_greeting():
    assert "Hi." in r.choices("worried", True, ctx("I got a bill I don't understand."))
    before_hi = r.choices("worried", True, ctx("Hi, I got a bill for my MRI."))
    assert before_hi and set(before_hi) <= set(r.ALL) and not any("hi" in c.lower().split() for c in before_hi)


def test_a_line_that_starts_with_its_own_reaction_gets_one_with_more_to_it():
    offered = r.choices("calmer", False, ctx("Okay, I think I can breathe again."))
    assert offered and "Alright." not in offered and "Mm-hm." not in offered and "Thanks." in offered


def test_the_last_reactions_said_are_not_offered_again():
    offered = r.choices("worried", False, ctx("What happens next?"), recent=["Hmm.", "Oh dear."])
    assert "Hmm." not in offered and "Oh dear." not in offered and "Oh, I see." in offered


def test_a_reaction_that_runs_into_or_echoes_the_line_is_not_offered():
    assert "Really?" not in r.choices("worried", False, ctx("Really? Is there any way to lower it?"))


def test_the_model_text_is_matched_to_the_list_or_not_at_all():
    offered = ["Oh, I see.", "Wait, what?"]
    assert r.match(" oh, I see", offered) == "Oh, I see."  # a stop at "." cut the full stop off
    assert r.match('"Wait, what', offered) == "Wait, what?"
    assert r.match("Oh, I see. It is $500.", offered) is None and r.match("", offered) is None


def test_the_grammar_allows_only_the_offered_reactions():
    offered = ["Oh, I see.", 'Say "hi"']
    assert r.grammar(offered) == 'root ::= "Oh, I see." | "Say \\"hi\\""'
    assert r.constraint(offered)["guided_choice"] == offered


@pytest.mark.skipif(not llama_cpp_available(), reason="llama-cpp-python (the 'llm' extra) is not installed")
def test_llama_cpp_parses_the_grammar():
    from llama_cpp import LlamaGrammar

    for band in r.BY_MOOD:
        assert LlamaGrammar.from_string(r.grammar(r.choices(band, False, ctx("So what now?"))), verbose=False)


def play(library, store, fake, **persona_kw):
    """A call in the choose style (no conversation sent ahead: each request is a turn's own)."""
    _, persona, lines = call(library, store, fake, "choose", persona_kw={"prefetch": False, **persona_kw})
    return persona, lines


def offered_in(request):
    return request["guided_choice"]


def test_a_small_model_picks_a_reaction_held_to_the_list(library, store):
    with FakeOpenAI(responder=lambda req: offered_in(req)[-1]) as fake:
        persona, lines = play(library, store, fake)
        reqs = list(fake.requests)
    assert persona.style == "choose"
    for req, line in zip(reqs, lines):
        chosen = offered_in(req)[-1]
        assert req["grammar"] == r.grammar(offered_in(req)) and req["max_tokens"] == 12
        assert not line.fallback and line.text == f"{chosen} {persona.gist_of(line)}"
    # the scripted line is the gist: what the session scores and branches on is what the trainee saw
    assert all(line.text.endswith(persona.gist_of(line)) for line in lines)
    assert len({persona.reactions_said[i] for i in range(3)}) == 3  # no reaction twice running


def test_a_server_that_ignores_the_list_is_checked_as_a_free_lead_in(library, store):
    with FakeOpenAI(reply="Well, that is a relief") as fake:
        persona, lines = play(library, store, fake)
    assert not lines[1].fallback and lines[1].text.startswith("Well, that is a relief. ")
    with FakeOpenAI(reply="Yes, it was 500 dollars") as fake:
        persona, lines = play(library, store, fake)
    assert all(line.fallback for line in lines) and persona.outcomes[0].reason.startswith("guard:lead_in")


def test_a_server_that_refuses_the_list_fields_is_asked_without_them(library, store):
    with FakeOpenAI(mode="status", status=400) as fake:
        persona, lines = play(library, store, fake)
        reqs = list(fake.requests)
    assert lines[0].fallback and not persona.constrain
    assert "grammar" in reqs[0] and all("grammar" not in q for q in reqs[1:])


def test_a_greeting_a_word_into_the_line_counts_as_a_greeting():
    assert set(r.choices("upset", True, ctx("Yeah, hi, I'm calling about a bill."))) <= set(r.BEFORE_GREETING)


def test_a_reaction_shows_word_by_word_and_the_whole_line_once(library, store):
    tokens: list[str] = []
    with FakeOpenAI(responder=lambda req: offered_in(req)[0]) as fake:
        persona, lines = play(library, store, fake, on_token=tokens.append)
    assert "".join(tokens) == "".join(line.text for line in lines)  # nothing shown twice, nothing left out
    assert len(tokens) > len(lines)  # the reactions came in pieces before their lines


def test_no_reaction_says_a_word_the_line_opens_with():
    offered = r.choices("at ease", False, ctx("Okay, thank you. That's a big relief."))
    assert offered and not any(w in c.lower() for c in offered for w in ("thank", "okay"))
