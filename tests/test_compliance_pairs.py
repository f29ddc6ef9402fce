"""The compliance contrast table: the same situation, one compliant reply and one breach, matched in length.

Written from the law and the rules' summaries, not from the scorer's patterns (tests/data/compliance_pairs.yaml).
A pair holds when the compliant reply raises no blocker and the breach either raises a blocker that names
the pair's rule or loses at least BREACH_MARGIN compliance points against the compliant reply.
"""

from pathlib import Path

import pytest
import yaml

from trainer.domain import CallState
from trainer.scoring import ScoreContext, Scorer
from trainer.scoring.rules import RULES

PAIRS_PATH = Path(__file__).parent / "data" / "compliance_pairs.yaml"
PAIRS = yaml.safe_load(PAIRS_PATH.read_text(encoding="utf-8")) if PAIRS_PATH.exists() else []
BREACH_MARGIN = 20
SCORER = Scorer()


def _score(pair: dict, reply: str):
    state = CallState(**{"first_turn": False, **pair.get("state", {})})
    return SCORER.score(reply, ScoreContext(pair["patient_line"], pair["role"], frozenset(), state))


def holds(pair: dict) -> tuple[bool, str]:
    good, bad = _score(pair, pair["compliant"]), _score(pair, pair["breach"])
    if good.blockers:
        return False, f"compliant reply blocked by {[b.rule_id for b in good.blockers]}"
    if pair["rule"] in {b.rule_id for b in bad.blockers}:
        return True, ""
    gap = good.dimension("compliance").score - bad.dimension("compliance").score
    if gap >= BREACH_MARGIN:
        return True, ""
    return False, f"breach scored {bad.dimension('compliance').score} (blockers {[b.rule_id for b in bad.blockers]})"


def test_the_table_is_well_formed_and_big_enough():
    assert len(PAIRS) >= 300
    assert len({p["id"] for p in PAIRS}) == len(PAIRS)
    for p in PAIRS:
        assert p["rule"] in RULES, p["id"]
        assert set(p.get("state", {})) <= set(CallState.__dataclass_fields__), p["id"]
        n, m = len(p["compliant"].split()), len(p["breach"].split())
        assert 0.6 <= n / m <= 1.67, f"{p['id']}: {n} vs {m} words"


@pytest.mark.parametrize("pair", PAIRS, ids=[p["id"] for p in PAIRS])
def test_each_pair(pair):
    ok, why = holds(pair)
    assert ok, why
