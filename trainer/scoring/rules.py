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
            "A third-party collector says this is an attempt to collect a debt and information "
            "will be used for that purpose.",
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
            "FDCPA, 15 U.S.C. 1692g(b)",
            "When the debt is disputed, stop collecting and verify it before asking for payment.",
        ),
        Rule(
            "emtala-screening-first",
            "No payment talk before the medical screening",
            "EMTALA, 42 CFR 489.24(d)(4)",
            "In the emergency department, questions about payment or insurance must not delay "
            "the medical screening examination.",
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
            "PCI DSS v4.0, requirements 3.2 and 3.3",
            "Never read back a full card number, write it in notes, or keep the security code.",
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
            "medicare-abn",
            "Advance Beneficiary Notice before likely non-covered care",
            "CMS Form CMS-R-131; 42 CFR 411.404",
            "Explain the ABN and the patient's choices before a service Medicare may not cover.",
        ),
    )
}
