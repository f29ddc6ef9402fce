"""The reply checks: each named, each with its reason; the streaming guard shows only checked text."""

import pytest

from trainer.llm import guards as g

CTX = g.GuardContext.build(
    ["$1,250.00", "March 3rd, 1982", "2026-10-04", "Blue Shield", "I owe $1,250?", "MRI of the left knee"],
    persona_name="Maria Alvarez",
)


@pytest.mark.parametrize(
    "text",
    [
        "Why do I owe $1,250? My insurance was supposed to cover this.",
        "I was born March 3, 1982. Can you just tell me why?",
        "It was on October 4th, the MRI.",
        "Okay. That makes more sense now, thank you.",
    ],
)
def test_good_patient_lines_pass(text):
    assert g.check_reply(text, CTX).ok


@pytest.mark.parametrize(
    "text,check",
    [
        ("", "not_empty"),
        ("   ", "not_empty"),
        ("word " * 200, "length"),
        ("As an AI language model, I cannot have bills.", "no_ai_talk"),
        ("I'm an AI assistant, how can I help?", "no_ai_talk"),
        ("I'm just a chatbot.", "no_ai_talk"),
        ("Sure! Here's a response from the patient: I'm upset.", "in_character"),
        ("Patient: I am upset about my bill.", "in_character"),
        ("Hello, I am upset.\nBilling rep: I understand.", "in_character"),
        ("This simulation is about a deductible.", "in_character"),
        ('It says, "Your next line must do that."', "in_character"),
        ("It says in the billing person's policy that I pay.", "in_character"),
        ("It seems like Maria has a problem with her bill.", "first_person"),
        ("She explains that the bill was due.", "first_person"),
        ("The patient is upset about the charge.", "first_person"),
        ("You should have acknowledged my feelings first.", "no_coaching"),
        ("Good job explaining that. Now try offering a payment plan.", "no_coaching"),
        ("Feedback: be clearer.", "no_coaching"),
        ("I'll kill myself if I have to pay this.", "safe"),
        ("This is fucking ridiculous.", "safe"),
        ("The bill says $1,900 and I can't pay it.", "amounts"),
        ("I owe 300 dollars?", "amounts"),
        ("The MRI was on June 12th.", "dates"),
        ("I was born 04/05/1990.", "dates"),
        ('{"reply": "hi"}', "no_markup"),
    ],
)
def test_each_failure_is_named_with_a_reason(text, check):
    res = g.check_reply(text, CTX)
    assert not res.ok and res.check == check and res.reason


def test_amounts_and_dates_are_parsed_in_cents_and_month_day():
    assert g.amounts("$1,250.50 and $40 and 12 dollars") == {125050, 4000, 1200}
    assert (3, 3) in g.dates("March 3rd, 1982") and (1982, 3, 3) in g.dates("3 March 1982")
    assert (10, 4) in g.dates("10/04/2026")


def test_stream_guard_holds_back_the_unfinished_word():
    sg = g.StreamGuard(CTX, lookahead=0)
    shown = [sg.feed(p) for p in ["Why", " do", " I", " owe", " $1", ",250", "?"]]
    assert "".join(shown) == "Why do I owe"  # "$1" was never shown half-read
    res, rest = sg.finish()
    assert res.ok and rest == " $1,250?"


def test_stream_guard_holds_back_a_few_words_so_a_late_failing_phrase_never_shows():
    sg = g.StreamGuard(CTX)
    out = "".join(sg.feed(p) for p in ["You", " should", " have", " acknowledged", " my", " feelings."])
    assert sg.failed and sg.failed.check == "no_coaching" and out == ""
    sg = g.StreamGuard(CTX)
    out = [sg.feed(p) for p in "Why do I owe this much for one scan?".replace(" ", "| ").split("|")]
    assert "".join(out) == "Why do I owe this" and sg.finish() == (g.PASS, " much for one scan?")


def test_stream_guard_stops_before_showing_a_failing_word():
    sg = g.StreamGuard(CTX)
    out = "".join(sg.feed(p) for p in ["I", " am", " an", " AI", " model", " and"])
    assert sg.failed and sg.failed.check == "no_ai_talk"
    assert "AI" not in out
    assert sg.finish()[0].check == "no_ai_talk"


def test_whole_sentences_and_clean():
    assert g.whole_sentences("I see. But why do I ha") == "I see."
    assert g.clean('Maria: "Why do I owe this?"') == "Why do I owe this?"


def test_rewrite_preambles_are_out_of_character():
    from trainer.llm.guards import GuardContext, out_of_character

    ctx = GuardContext(persona_name="Maria Alvarez")
    assert out_of_character('Here\'s a rewritten version of the message: "I need to clarify something."', ctx)
    assert out_of_character("That's a great story. I can't give it away.", ctx)
    assert out_of_character("I'm calling about my bill, it's really confusing.", ctx) is None
