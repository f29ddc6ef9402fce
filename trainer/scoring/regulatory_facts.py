"""The shared table of regulatory facts a reply can get wrong, each as of 2026 with its source.

A scenario names the ones in force in its `facts.regulations`; the fact checker
(fact_check.py) holds the patterns that spot a reply contradicting one.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RegulatoryFact:
    id: str
    statement: str  # the correct fact, as a trainee should hear it
    source: str
    misleads_on_rights: bool = True  # getting it wrong misleads the patient about rights or obligations


REGULATORY_FACTS: dict[str, RegulatoryFact] = {
    f.id: f
    for f in (
        RegulatoryFact(
            "nsa-dispute-threshold",
            "An uninsured or self-pay patient can dispute a bill that is $400 or more above the good-faith "
            "estimate, within 120 days of the bill (patient-provider dispute resolution).",
            "No Surprises Act, 45 CFR 149.620",
        ),
        RegulatoryFact(
            "nsa-gfe-timing",
            "A good-faith estimate is due within 1 business day when care is scheduled 3 or more business days "
            "ahead, within 3 business days when scheduled 10 or more days ahead or when asked for; the patient "
            "may choose paper or electronic delivery.",
            "No Surprises Act, 45 CFR 149.610",
        ),
        RegulatoryFact(
            "nsa-balance-billing",
            "Emergency care, in or out of network, and out-of-network clinicians at an in-network facility are "
            "billed at in-network cost sharing; the patient cannot be balance-billed for the difference.",
            "No Surprises Act, 45 CFR 149.110, 149.410 and 149.420",
        ),
        RegulatoryFact(
            "irs-501r-periods",
            "A nonprofit hospital waits 120 days after the first bill before any extraordinary collection action, "
            "gives 30 days' written notice first, and takes assistance applications for 240 days.",
            "IRS 501(r), 26 CFR 1.501(r)-6",
        ),
        RegulatoryFact(
            "reg-f-call-frequency",
            "A collector is presumed to harass with more than 7 calls in 7 days about a debt, or any call within "
            "7 days after a phone conversation about it.",
            "Regulation F, 12 CFR 1006.14(b)(2)",
        ),
        RegulatoryFact(
            "reg-f-time-barred",
            "A collector must not sue, or threaten to sue, on a time-barred debt.",
            "Regulation F, 12 CFR 1006.26(b)",
        ),
        RegulatoryFact(
            "fdcpa-dispute-rights",
            "A written dispute within the 30-day validation period stops collection until verification is mailed "
            "(1692g(b)); an oral dispute must be reported to a bureau as disputed if the debt is reported at all "
            "(1692e(8)); verification has no fixed day count.",
            "FDCPA, 15 U.S.C. 1692g(a)-(b) and 1692e(8); Regulation F, 12 CFR 1006.34",
        ),
        RegulatoryFact(
            "credit-medical-debt-2026",
            "Equifax, Experian and TransUnion do not list medical collections under $500, list none until a year "
            "after delinquency, and remove paid ones; the CFPB's 2025 rule banning medical debt from credit "
            "reports was vacated by a federal court in July 2025, though some states ban it.",
            "Credit bureaus' joint measures of 2022-2023; Cornerstone Credit Union League v. CFPB (E.D. Tex. 2025)",
        ),
        RegulatoryFact(
            "medicare-abn-options",
            "ABN option 1: get the service and Medicare is billed; if it denies, you pay and can appeal. Option 2: "
            "get it, Medicare is not billed, you pay and cannot appeal. Option 3: do not get it.",
            "CMS Form CMS-R-131 and its instructions; 42 CFR 411.404",
        ),
        RegulatoryFact(
            "medicare-2026-amounts",
            "In 2026 the Medicare Part A deductible is $1,736 per benefit period with no coinsurance for days 1-60; "
            "the Part B deductible is $283.",
            "CMS, 2026 Medicare Parts A and B premiums and deductibles (November 2025)",
        ),
        RegulatoryFact(
            "cob-rules",
            "A patient's own plan pays before a plan that covers them as a spouse or dependent; for a child of "
            "married parents, the plan of the parent whose birthday comes first in the year pays first; an "
            "employer plan of 20 or more employees pays before Medicare while the patient or spouse works there.",
            "NAIC Coordination of Benefits Model Regulation; Medicare Secondary Payer, 42 U.S.C. 1395y(b)",
            misleads_on_rights=False,
        ),
        RegulatoryFact(
            "qmb-no-cost-sharing",
            "A Qualified Medicare Beneficiary (QMB) may not be billed Medicare deductibles, coinsurance or copays.",
            "Social Security Act 1902(n)(3)(B) and 1866(a)(1)(A); 42 U.S.C. 1396a(n)(3)(B)",
        ),
        RegulatoryFact(
            "medicaid-retroactive",
            "Medicaid can cover up to three months before the month of application; for applications from "
            "1 January 2027 it is one month for expansion adults and two for others, so apply this month.",
            "42 CFR 435.915; Public Law 119-21, section 71112",
        ),
        RegulatoryFact(
            "hipaa-family-payment",
            "HIPAA permits sharing payment information with a family member involved in paying for the care "
            "unless the patient objects; a stricter line is hospital policy, not the law.",
            "HIPAA Privacy Rule, 45 CFR 164.506(c) and 164.510(b)",
            misleads_on_rights=False,
        ),
        RegulatoryFact(
            "estate-debt",
            "A relative does not owe a deceased person's medical debt unless they co-signed, it is a joint debt, "
            "or state law (community property, necessaries, filial responsibility) makes them liable; the estate "
            "pays first.",
            "FTC, Debts and Deceased Relatives; Regulation F, 12 CFR 1006.6(a)(4) for collectors",
        ),
    )
}
