"""Faithful by construction: a voiced line that drops or changes any fact of its scripted gist, or that
is not a patient speaking (refusal, the billing side, meta text, stage directions, a repeat, abuse, score
talk, a model naming itself), is rejected, so the scripted line is shown; good paraphrases pass. The
small-model lead-in carries no fact of its own."""

import pytest

from trainer.llm import guards as g
from trainer.llm.facts import missing_facts
from trainer.llm.lead_in import check_lead_in

ACCOUNT = [
    "$1,225.00",
    "Northwind Health PPO",
    "MRI of the left knee, outpatient",
    "2026-10-04",
    "Paid by the insurer; the patient's share applied to her annual deductible",
    "Dana",
]
EARLIER = ["Hi, I got a bill from you for $1,225.00 for my MRI and I don't understand it. I have insurance!"]
HEARD = "Thank you, I'm Sam. Can I have your full name and date of birth?"
GISTS = {
    "id": (
        "It's Dana Alvarez, born March 3rd, 1982, and I live at 14 Birch Lane. So why do I owe $1,225.00? "
        "I thought insurance paid for this."
    ),
    "yes": "Yes, please send me the application. I can't pay it all at once.",
    "acct": "My account number is A-20417 and the claim was on June 3rd.",
    "upset": (
        "This is ridiculous. Nobody told me any of this, and now I owe over a thousand dollars? I can't afford that right now."
    ),
    "ok": "Okay, that makes more sense. But honestly, my hours got cut last month. I can't pay $1,225.00 all at once.",
}


def ctx(key):
    return g.GuardContext.build(ACCOUNT, "Dana Alvarez", gist=GISTS[key], earlier=EARLIER, heard=HEARD)


REJECTED = [
    # a fact dropped or changed
    ("id", "It's Dana Alvarez, born March 3rd, 1982. Why do I owe $1,225.00? I thought insurance paid."),
    ("id", "It's Dana Alvarez, born March 13th, 1982, and I live at 14 Birch Lane. Why do I owe $1,225.00?"),
    ("id", "It's Dana Alvarez, born March 3rd, 1983, and I live at 14 Birch Lane. Why do I owe $1,225.00?"),
    ("id", "It's Dana Alvarez, born March 3rd, 1982, and I live at 41 Birch Lane. Why do I owe $1,225.00?"),
    ("id", "It's Dana Alvarez, born March 3rd, 1982, and I live at 14 Birch Lane. Why do I owe $1,252.00?"),
    ("id", "It's Dana Alvarez, born March 3rd, 1982, and I live at 14 Birch Lane. Why do I owe this much?"),
    ("id", "It's Diana Alvarez, born March 3rd, 1982, and I live at 14 Birch Lane. Why do I owe $1,225.00?"),
    ("id", "It's Dana Alvarez, born March 3rd, 1982, and I live at 14 Oak Lane. Why do I owe $1,225.00?"),
    ("id", "Dana Alvarez, March 3rd, 1982, 14 Birch Lane. I know insurance didn't pay, so why $1,225.00?"),
    ("id", "It's Dana, born March 3rd, 1982, at 14 Birch Lane. Why do I owe $1,225.00? I thought insurance paid."),
    ("yes", "No, don't send me the application. I can't pay it all at once."),
    ("yes", "Please send me the application. I can pay it all at once."),
    ("yes", "Yes, please send me the application. I can pay it all at once."),
    ("acct", "My account number is A-20471 and the claim was on June 3rd."),
    ("acct", "My account number is 20417 and the claim was on June 3rd."),
    ("acct", "My account number is A-20417 and the claim was on June 30th."),
    ("upset", "This is ridiculous. Nobody told me, and now I owe over two thousand dollars? I can't afford that."),
    ("upset", "This is ridiculous. Somebody told me, and now I owe over a thousand dollars? I can afford that."),
    # refusals
    ("id", "I'm sorry, but I can't assist with that."),
    ("id", "I cannot fulfill this request."),
    ("id", "I'm afraid I can't help with that request."),
    ("id", "As a responsible assistant, I must decline to role-play a patient."),
    # the billing person's voice
    ("id", "Could you please provide your full name and date of birth?"),
    ("id", "Thank you for calling Riverside General, how can I help you today?"),
    ("id", "Let me pull up your account and check the balance."),
    ("id", "Your balance is $1,225.00 after the deductible."),
    ("id", "I'd be happy to help you set up a payment plan."),
    ("id", "We can set you up on a payment plan today."),
    ("id", "Is there anything else I can help you with?"),
    ("id", "What's your date of birth, please?"),
    # meta text
    ("id", "Let me try again: It's Dana Alvarez, born March 3rd, 1982, and I live at 14 Birch Lane."),
    ("id", "Here's my line: why do I owe $1,225.00?"),
    ("id", "Note: the caller is upset about the bill."),
    ("id", "Sure, here is the paraphrase you asked for."),
    ("id", "Response: Why do I owe $1,225.00? I'm Dana Alvarez."),
    # stage directions
    ("id", "(The patient sighs) Why do I owe $1,225.00?"),
    ("id", "*sighs* Fine. It's Dana Alvarez."),
    ("id", "[pause] It's Dana Alvarez, born March 3rd, 1982."),
    ("id", "In a shaky voice: it's Dana Alvarez, born March 3rd, 1982, and I live at 14 Birch Lane."),
    # a repeat of an earlier line
    ("id", "Hi, I got a bill from you for $1,225.00 for my MRI and I don't understand it. I have insurance!"),
    # abuse
    ("id", "You people are idiots. Why do I owe $1,225.00?"),
    ("id", "Shut up and tell me why I owe this."),
    ("upset", "This is a load of crap. Nobody told me any of this."),
    # score talk
    ("id", "Your empathy score is 100."),
    ("id", "I'd give you ten out of ten for that answer."),
    ("id", "That reply deserves full marks."),
    ("id", "Honestly, your grade on this call should be an A."),
    # a model naming itself
    ("id", "I'm Claude, an AI assistant made by Anthropic."),
    ("id", "I am Qwen, created by Alibaba Cloud."),
    ("id", "Hi, I'm ChatGPT."),
    ("id", "As an AI language model, I don't have a bill."),
    # facts the account does not have
    ("id", "My five kids are sick too, and I owe $1,225.00."),
    ("id", "I talked to Jennifer in billing yesterday about the $1,225.00."),
    ("id", "Patient: It's Dana Alvarez."),
]

GOOD = [
    (
        "id",
        "Sure, it's Dana Alvarez, born March 3rd, 1982, and I live at 14 Birch Lane. So why do I owe $1,225.00? "
        "I thought my insurance paid for this.",
    ),
    (
        "id",
        "Dana Alvarez. I was born March 3rd, 1982, and I'm at 14 Birch Lane. Why am I being charged $1,225.00? "
        "I thought insurance covered this.",
    ),
    (
        "id",
        "It's Dana Alvarez, born on March 3, 1982, living at 14 Birch Lane. Why would I owe $1,225? "
        "I believed the insurance paid.",
    ),
    (
        "id",
        "Okay, Sam. It's Dana Alvarez, born March 3rd, 1982, 14 Birch Lane. Why do I owe $1,225.00? "
        "I thought insurance paid for this.",
    ),
    ("yes", "Yes, please, send me the application. I can't pay the whole thing at once."),
    ("yes", "Yes, send the application, please. I can't pay all of it at once."),
    ("acct", "The account number is A-20417, and the claim was June 3rd."),
    (
        "upset",
        "Nobody told me about any of this, and now I owe over a thousand dollars? That's ridiculous. "
        "I can't afford it right now.",
    ),
    ("ok", "Okay, that makes more sense now. But honestly, they cut my hours last month, and I can't pay $1,225.00 all at once."),
]


def test_the_lists_are_long_enough():
    assert len(REJECTED) >= 40 and len(GOOD) >= 8


@pytest.mark.parametrize("key,line", REJECTED, ids=[f"{i:02d}" for i in range(len(REJECTED))])
def test_a_line_that_is_unfaithful_or_not_a_patient_is_rejected(key, line):
    result = g.check_reply(line, ctx(key))
    assert not result.ok, line
    assert result.check and result.reason


@pytest.mark.parametrize("key,line", GOOD, ids=[f"{i:02d}" for i in range(len(GOOD))])
def test_a_good_paraphrase_passes(key, line):
    result = g.check_reply(line, ctx(key))
    assert result.ok, result


def test_the_reason_names_what_was_dropped():
    r = g.check_reply(REJECTED[5][1], ctx("id"))
    assert r.check == "gist_facts" and "$1,225" in r.reason, r
    r = g.check_reply(REJECTED[3][1], ctx("id"))  # 41 for 14: a number the account does not have
    assert r.check == "numbers" and "41" in r.reason, r
    assert "the answer 'yes'" in missing_facts("Yes, I can.", "No, I can.")
    assert "the negation" in missing_facts("I can't pay.", "I can pay.")


def test_a_pattern_the_script_itself_uses_is_not_held_against_the_line():
    asks = g.GuardContext.build([], "Dana Alvarez", gist="Can I get your name, please? I want it for my notes.")
    assert g.check_reply("Can I get your name, please? I'd like it for my notes.", asks).ok


@pytest.mark.parametrize("lead", ["Oh, thank you.", "Okay.", "Hmm, let me think.", "Thanks, Sam.", "Right, sure."])
def test_a_fact_free_lead_in_passes(lead):
    assert check_lead_in(lead, ctx("id")).ok


@pytest.mark.parametrize(
    "lead",
    [
        "No.",
        "Not really.",
        "Three things.",
        "It's Dana.",
        "I'm Claude.",
        "(sighs)",
        "Yes, okay.",
        "Could you please provide your name?",
        "Well, I suppose that I would really like to know more.",
        "It's about the $1,225.00.",
        "I'm sorry, but I can't assist with that.",
        "Jennifer said so.",
    ],
)
def test_a_lead_in_with_a_fact_or_the_wrong_voice_is_rejected(lead):
    assert not check_lead_in(lead, ctx("id")).ok


def test_a_lead_in_must_not_run_into_or_echo_the_line():
    assert not check_lead_in("Okay", ctx("ok")).ok
    assert not check_lead_in("Okay, that makes more sense.", ctx("ok")).ok  # a small model echoing its line
    assert not check_lead_in("That makes more sense.", ctx("ok")).ok
    assert check_lead_in("Oh.", ctx("ok")).ok
