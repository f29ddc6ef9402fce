"""What a wrong fact costs: clarity always, compliance when it misleads about rights or obligations."""

from __future__ import annotations

from .fact_check import WrongFact
from .ledger import Ledger

WRONG_FACT_CLARITY_CAP = 25  # the labelling guide: a wrong fact leaves the patient worse informed than silence


def charge_wrong_facts(wrong: list[WrongFact], clarity: Ledger, compliance: Ledger, explained: set[str]) -> set[str]:
    """Record each wrong fact with the correct one; return the 'explained' moves minus wrongly defined terms."""
    for w in wrong:
        clarity.hit("wrong_fact", f"wrong fact: {w.correct} ({w.source})", [(w.start, w.end)], sub="accuracy")
        if w.misleads_on_rights:
            compliance.hit(
                "pressure", f"misleads about rights or obligations: {w.correct} ({w.source})", [(w.start, w.end)], sub="accuracy"
            )
    clarity.cap(WRONG_FACT_CLARITY_CAP, "a wrong fact")
    clarity.suggest(10, f"Get the fact right: {wrong[0].correct}")
    wrongly_defined = {w.fact_id.split(":", 1)[1] for w in wrong if w.fact_id.startswith("definition:")}
    kept = {m for m in explained if m.split(":", 1)[-1] not in wrongly_defined}
    return kept if any(m.startswith("explained:") for m in kept) else kept - {"explained_term"}
