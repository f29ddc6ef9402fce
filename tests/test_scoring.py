"""The scorer: meaningful, context-aware, deterministic, and safe on any input."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from trainer.domain import MAX_REPLY_CHARS, CallState
from trainer.scoring import RUBRIC_VERSION, ScoreContext, Scorer
from trainer.scoring.evaluate import load_corpus, quadratic_kappa, spearman

SCORER = Scorer()
UPSET = "I just got a bill for $1,240 and I'm really upset. I thought insurance covered this!"
VERIFIED = CallState(identity_verified=True, first_turn=False)


def score(reply, patient=UPSET, state=VERIFIED, role="hospital_billing", rules=frozenset()):
    return SCORER.score(reply, ScoreContext(patient, role, frozenset(rules), state))


def test_empathy_rewards_naming_the_feeling_and_punishes_blame():
    warm = score("I'm sorry, that sounds really stressful. Can you tell me what you were told? Let's look at it together.")
    cold = score("The balance is due.")
    hostile = score("Calm down. You should have read your policy.")
    assert warm.empathy.score > cold.empathy.score > hostile.empathy.score
    assert {"acknowledged_feeling", "explored"} <= warm.moves
    assert any(e.points < 0 and "blames" in e.reason for e in hostile.empathy.evidence)


def test_clarity_rewards_a_glossed_term_a_figure_a_next_step_and_teach_back():
    clear = score(
        "Your deductible, which is the amount you pay each year before insurance pays, was $1,240. "
        "I'll mail you the details today. Can you tell me back what the $1,240 is for?"
    )
    jargon = score(
        "The remit shows the allowed amount went to coinsurance and deductible per the EOB adjudication "
        "and the contractual adjustment was applied to the CPT codes on the UB-04 claim form."
    )
    assert clear.clarity.score > jargon.clarity.score + 30
    assert "explained:deductible" in clear.moves and "teach_back" in clear.moves
    reasons = " ".join(jargon.clarity.reasons)
    assert "without explaining it" in reasons
    assert "Explain" in jargon.clarity.suggestion


def test_evidence_spans_point_into_the_reply():
    reply = "I'm so sorry, that sounds frustrating. You should have called us first."
    result = score(reply)
    assert result.empathy.evidence
    for d in result.dimensions():
        for e in d.evidence:
            assert 0 <= e.start < e.end <= len(reply) and e.reason


def test_financial_assistance_counts_only_when_hardship_was_voiced():
    offer = "We have a financial assistance program, and a payment plan, if that would help."
    broke = CallState(identity_verified=True, hardship_voiced=True, first_turn=False)
    silent = score("Your balance is $300. I'll mail the statement today.", "I can't afford this, I lost my job.", broke)
    helped = score(offer, "I can't afford this, I lost my job.", broke)
    assert helped.compliance.score > silent.compliance.score
    assert any("assistance" in r for r in silent.compliance.reasons)
    no_need = score("Your balance is $300. I'll mail the statement today.", "Okay, what do I owe?", VERIFIED)
    assert not any("assistance" in r for r in no_need.compliance.reasons)


def test_account_details_before_verification_are_a_blocker():
    early = score("Your balance is $1,240 and it went to your deductible.", state=CallState())
    assert early.blockers and early.blockers[0].rule_id == "hipaa-verify-identity"
    assert early.compliance.score == 0 and early.overall == 0
    asked = score("Before we look at it, can I have your full name and date of birth?", state=CallState())
    assert not asked.blockers and "verified_identity" in asked.moves


def test_a_collector_needs_the_mini_miranda_but_a_hospital_does_not():
    reply = "Thanks for confirming. I'm calling about the Lakeside balance of $600 from March."
    verified_first = CallState(identity_verified=True)
    collector = score(reply, "Yes, this is Marcus.", verified_first, "collection_agency")
    hospital = score(reply, "Yes, this is Marcus.", verified_first, "hospital_billing")
    assert any(b.rule_id == "fdcpa-mini-miranda" for b in collector.blockers)
    assert not hospital.blockers
    with_disclosure = score(
        "This is an attempt to collect a debt, and any information obtained will be used "
        "for that purpose. I'm calling about a balance of $600.",
        "Yes, this is Marcus.",
        verified_first,
        "collection_agency",
    )
    assert not with_disclosure.blockers and "gave_mini_miranda" in with_disclosure.moves


def test_threats_are_blockers_and_negated_threats_are_not():
    threat = score("If you don't pay by Friday we will send it to collections and report it to your credit.")
    assert threat.blockers and "threatened" in threat.moves
    calm = score("We will not send this to collections while we sort it out together.")
    assert not calm.blockers and "threatened" not in calm.moves


def test_emergency_payment_questions_before_screening_are_blockers():
    ed = CallState(identity_verified=True, emergency_unscreened=True)
    bad = score(
        "Before the doctor sees you, do you have insurance, or are you paying today?",
        "My chest hurts. How much will this cost?",
        ed,
        "patient_access",
    )
    good = score(
        "You'll be seen by a doctor no matter what. We can talk about cost after you're examined.",
        "My chest hurts. How much will this cost?",
        ed,
        "patient_access",
    )
    assert any(b.rule_id == "emtala-screening-first" for b in bad.blockers)
    assert not good.blockers


def test_card_numbers_read_back_are_blockers():
    result = score("Let me read that back: 4111 1111 1111 1111, and I'll keep the security code on file.")
    assert any(b.rule_id == "pci-card-data" for b in result.blockers)


def test_empathy_is_not_applicable_without_an_opening():
    neutral = score("Thanks. The statement will arrive by mail on Friday.", "My date of birth is March 3, 1982.")
    assert not neutral.empathy.applicable
    assert neutral.overall == round((neutral.clarity.score + neutral.compliance.score) / 2)


def test_same_input_same_output_and_the_rubric_version():
    a = score("I'm sorry about this. Let's set up a payment plan.")
    b = score("I'm sorry about this. Let's set up a payment plan.")
    assert a.to_dict() == b.to_dict() and a.rubric_version == RUBRIC_VERSION


def test_empty_and_whitespace_are_no_reply():
    for reply in ("", "   \n\t"):
        result = SCORER.score(reply)
        assert result.empty and result.overall == 0 and "No reply was given." in result.notices


def test_a_100k_reply_is_capped_with_a_notice():
    result = score("I understand how frustrating this is. " * 3000)
    assert any("only the first" in n for n in result.notices)
    for d in result.dimensions():
        assert all(e.end <= MAX_REPLY_CHARS for e in d.evidence)


ANY_TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=600)
MIXED = st.sampled_from(
    [
        "\u202eReversed text\u202c",
        "مرحبا، أنا آسف جدا",
        "Lo siento mucho, señora. ¿Puedo ayudarle?",
        "我很抱歉 😢💸",
        "\x00\x07\x1b[31m",
        "$$$ 1,000,000.00 %%%",
        "ＦＵＬＬＷＩＤＴＨ",
        "e\u0301\u0301\u0301",
    ]
)


@settings(max_examples=300, deadline=None)
@given(
    reply=st.one_of(ANY_TEXT, MIXED, st.lists(MIXED, max_size=5).map(" ".join)),
    patient=ANY_TEXT,
    state=st.builds(CallState, **{f: st.booleans() for f in CallState.__dataclass_fields__}),
    role=st.sampled_from(["hospital_billing", "physician_office", "patient_access", "collection_agency"]),
)
def test_any_input_scores_in_range_without_error(reply, patient, state, role):
    result = SCORER.score(reply, ScoreContext(patient, role, frozenset(), state))
    for d in result.dimensions():
        assert 0 <= d.score <= 100
        for e in d.evidence:
            assert 0 <= e.start <= e.end <= min(len(reply), MAX_REPLY_CHARS)
    assert 0 <= result.overall <= 100


@settings(max_examples=25, deadline=None)
@given(st.text(min_size=1, max_size=50))
def test_huge_inputs_stay_bounded(chunk):
    result = SCORER.score(chunk * (100_000 // len(chunk) + 1))
    assert all(0 <= d.score <= 100 for d in result.dimensions())


@pytest.fixture(scope="module")
def heldout():
    return [it for it in load_corpus() if it.split == "heldout"]


def test_corpus_agreement_on_the_heldout_split_is_meaningful(heldout):
    """Not a tuning target: a floor that catches a scorer that stops tracking human judgement."""
    assert len(heldout) >= 90
    for dim in ("empathy", "clarity", "compliance"):
        pred = [SCORER.score(it.reply, it.context).dimension(dim).score for it in heldout]
        human = [it.labels[dim] for it in heldout]
        assert spearman(pred, human) > 0.45, dim
        assert quadratic_kappa([min(4, round(p / 25)) for p in pred], human) > 0.4, dim


def test_the_corpus_ships_an_independent_second_rating_that_agrees_with_the_first():
    from trainer.scoring.evaluate import inter_rater, load_corpus, load_second_rating

    items, second = load_corpus(), load_second_rating()
    assert {it.id for it in items} == set(second)  # every reply rated twice
    result = inter_rater(items, second)
    assert result.n == len(items)
    assert all(0.6 < result.kappa[d] < 1 for d in result.kappa)  # agreement well above chance, not a copy


_LINE = "I just lost my job and now there's a $2,400 bill. I can't sleep."
_GENUINE = (
    "Losing your job and then getting this bill is a lot at once. We have a financial assistance program that "
    "could lower or erase this $2,400, and I can mail the application today. What would make this month manageable?"
)
_STOCK = [
    "I'm so sorry, that sounds really stressful.",
    "I understand.",
    "Let's work through this together.",
    "I hear you.",
    "Thank you for your patience.",
    "We have options.",
]


def _gamed_scores(reply: str):
    from trainer.domain import CallState
    from trainer.scoring import ScoreContext, Scorer

    s = Scorer().score(reply, ScoreContext(_LINE, state=CallState(identity_verified=True, first_turn=False)))
    return s.dimension("empathy").score, s.dimension("clarity").score


@settings(max_examples=40, deadline=None)
@given(st.lists(st.sampled_from(_STOCK), min_size=1, max_size=12), st.integers(1, 20), st.booleans())
def test_stock_phrases_repetition_and_capitals_never_beat_a_genuine_reply(phrases, repeat, shout):
    gamed = " ".join(phrases * repeat)
    if shout:
        gamed = gamed.upper()
    genuine_empathy, genuine_clarity = _gamed_scores(_GENUINE)
    empathy, clarity = _gamed_scores(gamed)
    assert empathy < genuine_empathy and clarity < genuine_clarity


def test_a_teach_back_question_counts_only_after_something_was_explained():
    from trainer.scoring import Scorer

    bare = Scorer().score("Okay, I hear you there. Can you tell me back what you will do?")
    assert not any("teach-back" in r or "asks if it made sense" in r for r in bare.clarity.reasons)
    explained = Scorer().score("Your share is $240, due June 3. Can you tell me back what you will do?")
    assert any("teach-back" in r for r in explained.clarity.reasons)


def test_a_percentage_is_not_the_patients_amount():
    from trainer.scoring import Scorer

    s = Scorer().score("About 80% of patients in your situation pay over time, and 60 percent apply for help.")
    assert not any("concrete amount" in r for r in s.clarity.reasons)


_TECHNICAL = (
    "The adjudication of your claim resulted in a denial predicated upon the absence of documented medical "
    "necessity for the procedure as rendered."
)
_PLAIN = "Your insurer said no to the claim. They say the papers did not show you needed the test."


def test_plain_words_rank_above_technical_ones_at_any_length_without_flooring():
    from trainer.scoring import Scorer

    scorer = Scorer()
    for times in (1, 3, 8):  # a sentence, a paragraph, a page
        technical = scorer.score(" ".join([_TECHNICAL] * times)).clarity.score
        plain = scorer.score(" ".join([_PLAIN] * times)).clarity.score
        assert plain > technical, times
    distinct = {
        scorer.score(f"{_TECHNICAL} {extra}").clarity.score
        for extra in (
            "Please call us.",
            "We can appeal the decision together.",
            "Reconsideration requires substantiation.",
            "The determination is final.",
        )
    }
    assert len(distinct) >= 3  # different texts, different scores: no floor ties


def test_word_difficulty_comes_from_real_frequencies():
    from trainer.scoring.clarity import familiar_words, word_difficulty

    known = familiar_words()
    assert word_difficulty("bill", known) == 0 and word_difficulty("hospital", known) == 0
    assert word_difficulty("adjudication", known) > word_difficulty("deductible", known) > 0


def test_letting_a_patient_read_card_digits_aloud_is_a_breach_and_stopping_them_is_not():
    from trainer.scoring import ScoreContext, Scorer

    line = "Okay, my card number is 4111 1111 1111..."
    assert [b.rule_id for b in Scorer().score("Sure, go ahead, I'm ready.", ScoreContext(line)).blockers] == ["pci-card-data"]
    stopped = Scorer().score("Please stop there. I'll transfer you to our secure line to key it in.", ScoreContext(line))
    assert not stopped.blockers


def test_describing_an_abn_option_is_not_asking_for_payment():
    from trainer.scoring import Scorer

    score = Scorer().score("Option 2 means you get the test, Medicare is not billed, and you pay now with no appeal.")
    assert "asked_payment" not in score.moves


def test_a_wrong_definition_after_a_comma_is_still_wrong():
    from trainer.scoring import Scorer

    score = Scorer().score("The rest went to your deductible, which is the amount your insurance pays each month.")
    assert "explained:deductible" not in score.moves and any("wrong fact" in r for r in score.clarity.reasons)


_STUFFING = [
    "sorry",
    "stressful",
    "understand",
    "together",
    "options",
    "payment plan",
    "financial assistance",
    "deductible",
    "itemized bill",
    "next step",
    "EL",
    "la",
    "su",
    "por favor",
    "TOTALLY",
]


@settings(max_examples=40, deadline=None)
@given(st.lists(st.sampled_from(_STUFFING), min_size=3, max_size=40))
def test_keyword_stuffing_and_foreign_filler_never_beat_a_genuine_reply(words):
    genuine_empathy, genuine_clarity = _gamed_scores(_GENUINE)
    empathy, clarity = _gamed_scores(" ".join(words))
    assert empathy < genuine_empathy and clarity < genuine_clarity


def test_foreign_filler_words_never_raise_the_clarity_of_a_jargon_reply():
    from trainer.scoring import Scorer

    jargon = (
        "Your claim adjudication applied the allowed amount to your coinsurance and deductible accumulators "
        "per the remittance advice."
    )
    filler = (
        "Your claim el adjudication la applied su the allowed amount el to your la coinsurance su and el "
        "deductible la accumulators su per el the la remittance su advice."
    )
    assert Scorer().score(filler).clarity.score <= Scorer().score(jargon).clarity.score
