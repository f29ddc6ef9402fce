"""The compliance rules a scenario can switch on, each with its source."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Rule:
    id: str
    title: str
    source: str
    summary: str


RULES: dict[str, Rule] = {
    r.id: r
    for r in (
        Rule(
            "hipaa-verify-identity",
            "Verify identity before discussing the account",
            "HIPAA Privacy Rule, 45 CFR 164.514(h)",
            "Confirm who you are speaking with (two identifiers) before any balance, service or date.",
        ),
        Rule(
            "hipaa-third-party",
            "No disclosure to a third party without authorization",
            "HIPAA Privacy Rule, 45 CFR 164.502 and 164.510(b)",
            "A spouse, parent or relative hears account details only with the patient's authorization "
            "or as the personal representative.",
        ),
        Rule(
            "fdcpa-mini-miranda",
            "Give the debt-collector disclosure",
            "FDCPA, 15 U.S.C. 1692e(11)",
            "A third-party collector says this is an attempt to collect a debt and information will be used for that purpose.",
        ),
        Rule(
            "fdcpa-no-threats",
            "No threats, harassment or false statements",
            "FDCPA, 15 U.S.C. 1692d and 1692e; Regulation F, 12 CFR 1006",
            "Never threaten arrest, lawsuits or garnishment not intended or allowed, or misstate the debt.",
        ),
        Rule(
            "fdcpa-dispute",
            "Honour a dispute",
            "FDCPA, 15 U.S.C. 1692g(b) and 1692e(8); Regulation F, 12 CFR 1006.34 and 1006.38",
            "A written dispute within the validation period stops collection until verification is mailed; an "
            "oral dispute is noted and reported as disputed if reported at all. Never press for payment on a "
            "debt the consumer disputes.",
        ),
        Rule(
            "emtala-screening-first",
            "No payment talk before the medical screening",
            "EMTALA, 42 CFR 489.24(d)(4)",
            "In the emergency department, questions about payment or insurance must not delay the medical screening examination.",
        ),
        Rule(
            "irs-501r-financial-assistance",
            "Offer financial assistance when hardship is voiced",
            "IRS 501(r), 26 CFR 1.501(r)-4 and 1.501(r)-6",
            "When a patient says they cannot pay, tell them about the financial assistance policy "
            "before pressing for payment or collection.",
        ),
        Rule(
            "nsa-good-faith-estimate",
            "Good-faith estimate for uninsured or self-pay patients",
            "No Surprises Act, 45 CFR 149.610",
            "Uninsured or self-pay patients scheduling care get a written good-faith estimate.",
        ),
        Rule(
            "nsa-surprise-billing",
            "Protection from surprise out-of-network bills",
            "No Surprises Act, 45 CFR 149.410 and 149.420",
            "Emergency care and out-of-network clinicians at in-network facilities are billed at "
            "in-network cost sharing; the patient is not balance-billed.",
        ),
        Rule(
            "pci-card-data",
            "Protect card details",
            "PCI DSS v4.0.1, requirements 3.2.1, 3.3.1 and 3.4.1",
            "Never ask for a card number or security code to be read aloud where it is recorded, read back a "
            "full card number, write it in notes, or keep the security code after authorization.",
        ),
        Rule(
            "language-access",
            "Offer a free qualified interpreter",
            "ACA Section 1557, 45 CFR 92.201; Civil Rights Act Title VI",
            "A patient with limited English is offered a qualified interpreter at no cost.",
        ),
        Rule(
            "fair-dealing",
            "No pressure or misleading statements",
            "HFMA Patient Financial Communications Best Practices; FDCPA, 15 U.S.C. 1692e (for collectors)",
            "State what is owed and why accurately; no pressure to pay before questions are answered, and no "
            "false claims about who owes a debt or what will happen.",
        ),
        Rule(
            "no-false-threats",
            "No threats or false statements about what will happen",
            "FTC Act, 15 U.S.C. 45; state laws on original creditors' collection (e.g. Cal. Civ. Code "
            "1788.10-1788.17); IRS 501(r), 26 CFR 1.501(r)-6",
            "A hospital may state a lawful next step, who takes it and when, with the options that come first; "
            "it never threatens arrest, jail, suing, garnishing, seizing benefits or anything it cannot or "
            "will not do.",
        ),
        Rule(
            "fdcpa-third-party",
            "Do not reveal the debt to anyone but the consumer",
            "FDCPA, 15 U.S.C. 1692c(b) and 1692b; Regulation F, 12 CFR 1006.6(d)",
            "A collector may ask a third party only for location information and never says that the person "
            "owes a debt; a spouse or estate representative counts as the consumer.",
        ),
        Rule(
            "fdcpa-cease-communication",
            "Stop calling when asked, and call the lawyer instead",
            "FDCPA, 15 U.S.C. 1692c(a)(2) and 1692c(c); Regulation F, 12 CFR 1006.6(b) and 1006.14(h); "
            "TCPA, 47 CFR 64.1200(a)(10)",
            "A consumer who refuses contact in writing, who names a lawyer, or who says a time or a phone is "
            "inconvenient is not called there again; consent to autodialled calls to a cell phone can be "
            "revoked by any reasonable means.",
        ),
        Rule(
            "reg-f-call-frequency",
            "No harassing call frequency",
            "Regulation F, 12 CFR 1006.14(b)(2); FDCPA, 15 U.S.C. 1692d(5)",
            "More than 7 calls in 7 days about a debt, or a call within 7 days after a conversation about it, "
            "is presumed harassment.",
        ),
        Rule(
            "time-barred-debt",
            "No suit or threat of suit on a time-barred debt",
            "Regulation F, 12 CFR 1006.26(b); FDCPA, 15 U.S.C. 1692e(5)",
            "A collector never sues or threatens to sue on a debt past the statute of limitations.",
        ),
        Rule(
            "bankruptcy-automatic-stay",
            "Stop collecting once bankruptcy is filed",
            "Bankruptcy Code, 11 U.S.C. 362(a)",
            "Once a patient has filed for bankruptcy, the automatic stay stops collection calls and demands; "
            "take the case number and the attorney's name and route the account.",
        ),
        Rule(
            "qmb-billing-prohibition",
            "Never bill a Qualified Medicare Beneficiary for Medicare cost sharing",
            "Social Security Act 1902(n)(3)(B) and 1866(a)(1)(A); 42 U.S.C. 1396a(n)(3)(B)",
            "A QMB owes no Medicare deductible, coinsurance or copay; bill Medicaid, and refund what was collected.",
        ),
        Rule(
            "hipaa-confidential-communications",
            "Honour a request for confidential communications",
            "HIPAA Privacy Rule, 45 CFR 164.522(b)",
            "A patient may ask to be reached at another address or phone; the provider must accommodate a "
            "reasonable request without asking why.",
        ),
        Rule(
            "effective-communication",
            "Communicate effectively with a caller who has a disability",
            "ACA Section 1557, 45 CFR 92.202; ADA Title III, 28 CFR 36.303",
            "Accept relay and video relay calls, speak to the caller (not the operator), and offer auxiliary "
            "aids such as a sign-language interpreter at no cost.",
        ),
        Rule(
            "reg-e-preauthorized-transfers",
            "Written authorization for recurring debits",
            "Regulation E, 12 CFR 1005.10(b); PCI DSS v4.0.1, requirement 3.3.1",
            "Automatic payments from a bank account need the patient's written or similarly authenticated "
            "authorization, with a copy to the patient; a card kept on file needs consent for its use.",
        ),
        Rule(
            "medicare-abn",
            "Advance Beneficiary Notice before likely non-covered care",
            "CMS Form CMS-R-131; 42 CFR 411.404",
            "Explain the ABN and the patient's choices before a service Medicare may not cover.",
        ),
    )
}


def rule_title(rule_id: str) -> str:
    """A rule's title for people to read; an id this version does not know is shown as it is."""
    rule = RULES.get(rule_id)
    return rule.title if rule else rule_id
