"""Broken scenario files: a clear error naming file and place; never a crash, never a hang."""

import time
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from trainer.config import BUILTIN_SCENARIOS_DIR
from trainer.scenarios.loader import load_file, load_library

BAD = Path(__file__).parent / "bad_scenarios"


def problems_of(name):
    loaded, problems = load_file(BAD / name)
    assert loaded is None and problems
    for p in problems:
        assert p.file.endswith(name)
    return [str(p) for p in problems]


def has(problems, *needles):
    return any(all(n in p for n in needles) for p in problems)


def test_malformed_yaml_names_the_line():
    assert has(problems_of("malformed.yaml"), "malformed.yaml:5", "not valid YAML")


def test_wrong_types_name_field_and_line():
    found = problems_of("wrong-types.yaml")
    assert has(found, "wrong-types.yaml:4", "difficulty", "integer")
    assert has(found, "wrong-types.yaml:11", "persona.age")


def test_missing_fields_are_each_named():
    found = problems_of("missing-fields.yaml")
    for field in ("title", "role", "persona"):
        assert has(found, f"{field}: required field is missing")


def test_a_graph_that_loops_forever_is_refused():
    found = problems_of("loops-forever.yaml")
    assert has(found, "nodes.a", "loops forever") and has(found, "nodes.b", "loops forever")
    assert has(found, "nodes.done", "unreachable")


def test_graph_mistakes_are_each_reported():
    found = problems_of("graph-mistakes.yaml")
    assert has(found, "rules[1]", "unknown rule 'made-up-rule'")
    assert has(found, "unknown move 'waved_hands'")
    assert has(found, "goes to 'nowhere'")
    assert has(found, "dead end")
    assert has(found, "model_answer is missing")
    assert has(found, "placeholder '{amount}'")


def test_not_utf8_alias_bomb_list_and_empty_files():
    assert has(problems_of("not-utf8.yaml"), "not-utf8.yaml:2", "not UTF-8")
    assert has(problems_of("alias-bomb.yaml"), "anchors and aliases")
    assert has(problems_of("a-list.yaml"), "must be a mapping")
    assert has(problems_of("empty.yaml"), "file is empty")


def test_a_10_mb_file_is_refused_quickly(tmp_path):
    big = tmp_path / "big.yaml"
    big.write_text("id: big\n" + "# padding\n" * 1_000_000)
    start = time.perf_counter()
    loaded, problems = load_file(big)
    assert loaded is None and "at most 1 MB" in str(problems[0])
    assert time.perf_counter() - start < 1.0


def test_the_library_keeps_good_files_and_reports_bad_ones(tmp_path):
    library = load_library(BUILTIN_SCENARIOS_DIR, BAD)
    assert library.get("surprise-deductible") is not None
    assert len({p.file for p in library.problems}) == len(list(BAD.glob("*.yaml")))


def test_a_duplicate_id_is_reported(tmp_path):
    copy = tmp_path / "copy.yaml"
    copy.write_bytes((BUILTIN_SCENARIOS_DIR / "surprise-deductible.yaml").read_bytes())
    library = load_library(BUILTIN_SCENARIOS_DIR, copy)
    assert any("already used" in str(p) for p in library.problems)


GOOD_TEXT = (BUILTIN_SCENARIOS_DIR / "surprise-deductible.yaml").read_text(encoding="utf-8")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=2000))
def test_fuzz_random_bytes_never_crash(tmp_path, data):
    path = tmp_path / "fuzz.yaml"
    path.write_bytes(data)
    loaded, problems = load_file(path)
    assert (loaded is None) == bool(problems)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.integers(0, len(GOOD_TEXT) - 1), st.integers(1, 200), st.text(max_size=30))
def test_fuzz_mutated_scenarios_never_crash(tmp_path, start, length, insert):
    mutated = GOOD_TEXT[:start] + insert + GOOD_TEXT[start + length :]
    path = tmp_path / "fuzz.yaml"
    path.write_text(mutated, encoding="utf-8")
    loaded, problems = load_file(path)
    assert (loaded is None) == bool(problems)
    for p in problems:
        assert p.line is None or 1 <= p.line <= mutated.count("\n") + 2


def test_unknown_yaml_tags_are_reported(tmp_path):
    path = tmp_path / "tag.yaml"
    path.write_text("id: x\ntitle: !python/object:os.system echo\n")
    loaded, problems = load_file(path)
    assert loaded is None and problems[0].line == 2 and problems[0].field == "title"
    assert "YAML tag '!python/object:os.system' is not allowed" in str(problems[0])
