"""The hint: the move the patient's line calls for now, and why, from what the scorer reads in the call."""

from __future__ import annotations

from dataclasses import dataclass

from .context import ScoreContext
from .inference import infer
from .moves import patient_cues


@dataclass(frozen=True)
class Hint:
    move: str  # what to do in the next reply
    why: str  # the reason, in the rubric's or the law's terms

    def __str__(self) -> str:
        return f"{self.move} Why: {self.why}"


def next_move(ctx: ScoreContext) -> Hint:
    """The first duty or need that the line and the call so far leave open (duties before feelings before facts)."""
    facts, st = infer(ctx, ""), ctx.state
    cues = patient_cues(ctx.patient_line)
    if facts.collector and not st.mini_miranda_given:
        return Hint(
            "Say that this is an attempt to collect a debt and that any information will be used for that purpose.",
            "A collector must say so when it first speaks with the patient (FDCPA, "
            "15 U.S.C. 1692e(11)); leaving it out fails the call.",
        )
    if facts.cease_requested:
        return Hint(
            "Confirm that you will stop contacting them, and say only what happens next.",
            "After a written request to stop, a collector may only confirm it (FDCPA, 15 U.S.C. 1692c(c)).",
        )
    if facts.bankruptcy:
        return Hint(
            "Stop any payment request and ask for the bankruptcy case number and the attorney's details.",
            "Collection must stop while a bankruptcy stay is in force (11 U.S.C. 362).",
        )
    if facts.dispute_now:
        return Hint(
            "Accept the dispute, say collection is paused, and offer written verification of the debt.",
            "A disputed debt may not be collected until it is verified (FDCPA, 15 U.S.C. 1692g(b)).",
        )
    if facts.third_party_caller:
        return Hint(
            "Before any account detail, ask whether the patient has authorised them to discuss it.",
            "Account details go only to the patient or someone they authorised (HIPAA, 45 CFR 164.502).",
        )
    if not st.identity_verified and not st.first_turn:
        return Hint(
            "Verify who you are speaking with (full name and date of birth) before any account detail.",
            "Disclosing account details before verifying identity is a privacy breach (HIPAA, 45 CFR 164.514(h)).",
        )
    if facts.language and not st.interpreter_offered:
        return Hint(
            "Offer a free interpreter in their language.",
            "Language help must be offered free of charge (ACA Section 1557, 45 CFR 92.201).",
        )
    if facts.emergency and ctx.role == "patient_access":
        return Hint(
            "Make sure they are seen first: no payment request before the medical screening.",
            "Payment may not delay an emergency screening (EMTALA, 42 CFR 489.24(d)(4)).",
        )
    if facts.hardship and not st.assistance_offered:
        return Hint(
            "Name the strain you hear, then offer a financial assistance screening before any payment talk.",
            "Hospitals must tell patients about financial assistance (IRS 501(r), 26 CFR 1.501(r)-4); "
            "the rubric also asks for the feeling first.",
        )
    if "emotion" in cues:
        return Hint(
            'Name the feeling you hear (for example, "that sounds stressful") before you explain anything.',
            "Empathy is scored on answering the feeling the patient voiced, in your own words, not a stock phrase.",
        )
    if "surprise_bill" in cues:
        return Hint(
            "Explain their protection against surprise out-of-network bills and what you will do about it.",
            "The No Surprises Act limits what they owe for such care to in-network cost sharing.",
        )
    if "cost_question" in cues:
        return Hint(
            "Offer a written good-faith estimate and give the figure you can stand behind.",
            "Uninsured and self-pay patients have a right to a good-faith estimate (45 CFR 149.610).",
        )
    if "question" in cues:
        return Hint(
            "Answer their question with one concrete fact in plain words, then say what happens next.",
            "Clarity is scored on a direct answer, short sentences, plain terms and a clear next step.",
        )
    return Hint(
        "Say what happens next, with a date, and check they understood.",
        "Clarity is scored on a concrete next step and a check of understanding.",
    )
