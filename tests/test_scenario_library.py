"""Every built-in scenario: valid, every ending reachable, and its model answers lead to a good ending."""

import pytest

from trainer.config import BUILTIN_SCENARIOS_DIR
from trainer.scenarios.loader import load_library
from trainer.scenarios.walk import reachable_endings
from trainer.verdict import PASS_MARK
from trainer.session import CallSession

LIBRARY = load_library(BUILTIN_SCENARIOS_DIR)
IDS = [s.scenario.id for s in LIBRARY.scenarios]
GOOD_ENDINGS = ("resolved", "payment_plan")


def test_the_library_loads_without_problems():
    assert LIBRARY.problems == []


@pytest.mark.parametrize("scenario_id", IDS)
def test_every_ending_can_be_reached(scenario_id):
    scenario = LIBRARY.get(scenario_id).scenario
    endings = {n for n, node in scenario.nodes.items() if node.ending}
    reached = reachable_endings(scenario)
    assert endings <= set(reached), f"never reached: {endings - set(reached)}"
    kinds = {scenario.nodes[n].ending for n in endings}
    assert len(kinds) >= 3, "a call needs at least three kinds of ending"


@pytest.mark.parametrize("scenario_id", IDS)
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_model_answers_reach_a_good_ending_and_pass(scenario_id, seed, store):
    session = CallSession(LIBRARY.get(scenario_id), store, store.sign_in("auto"), seed=seed)
    line = session.open()
    path = [line.node_id]
    while not session.finished:
        result = session.submit(line.model_answer)
        assert not result.turn.score.blockers, (line.node_id, result.turn.score.blockers)
        line = result.patient
        path.append(line.node_id)
    assert session.ending in GOOD_ENDINGS, f"path {path} ended {session.ending}"
    summary = session.summary()
    assert session.passed, f"model answers score {summary.dimensions}, overall {summary.overall} < {PASS_MARK}"


@pytest.mark.parametrize("scenario_id", IDS)
def test_rules_name_their_sources(scenario_id):
    scenario = LIBRARY.get(scenario_id).scenario
    if scenario.rules:
        assert scenario.sources, "a scenario that trains rules names their sources"


@pytest.mark.parametrize("scenario_id", IDS)
def test_every_call_is_tagged_and_declares_its_facts(scenario_id):
    scenario = LIBRARY.get(scenario_id).scenario
    assert scenario.crcr_domains, "tag the call with HFMA's CRCR domains"
    assert scenario.pfc_stages, "tag the call with its Patient Financial Communications stage"
    assert scenario.facts.amounts or scenario.facts.regulations, "declare the facts the scorer checks"
    patient_nodes = [n for n in scenario.nodes.values() if not n.ending]
    assert len(patient_nodes) >= 8, f"only {len(patient_nodes)} patient nodes"


WRONG_MOVES = {"threatened", "blamed", "dismissed", "asked_payment", "disclosed_account"}


@pytest.mark.parametrize("scenario_id", IDS)
def test_every_call_sets_a_trap_that_its_branches_punish(scenario_id):
    """A tempting wrong move (a breach, a threat, pressure, a weak reply) must cost mood or end the call badly."""
    scenario = LIBRARY.get(scenario_id).scenario
    traps = [
        (nid, e.goto)
        for nid, node in scenario.nodes.items()
        for e in node.next
        if e.when
        and (e.when.blocked or set(e.when.moves_any) & WRONG_MOVES or e.when.max)
        and (e.mood < 0 or scenario.nodes[e.goto].ending in ("hung_up", "escalated"))
    ]
    assert traps, "no branch punishes a wrong move"
