"""Scenario files that once passed `validate` and then crashed or hung a call: each is refused with
file, line, field path and what is wrong; and what does load always draws and fills safely."""

import datetime as dt
import random
from pathlib import Path

import pytest

from trainer.config import BUILTIN_SCENARIOS_DIR
from trainer.scenarios.loader import MAX_PROBLEMS, load_file, load_library
from trainer.scenarios.schema import MAX_DAYS, MAX_MAGNITUDE
from trainer.scenarios.templates import fill, placeholders, texts_of
from trainer.scenarios.variables import draw

BAD = Path(__file__).parent / "bad_scenarios"

BASE = """\
id: hostile
title: A hand-made call
summary: Each test breaks one thing in it.
difficulty: 2
crcr_topics: [payment-options]
role: hospital_billing
organisation: Test Hospital
objectives: [Explain the balance]
sources: [A note]
variables:
  balance: {min: 100, max: 200, step: 5, format: money}
  first_name: {choices: [Dana, Maria]}
  seen: {days_ago: [3, 9]}
persona:
  name: "{first_name} Lee"
  age: 40
  situation: Owes {balance}.
  temperament: calm
  hidden_concerns: [{id: rent, text: Rent is due, revealed_by: [explored]}]
account: {balance: "{balance}", plan: none}
facts: {amounts: {balance: "{balance}"}}
start: open
nodes:
  open:
    intent: Ask why
    say: [{id: open.1, text: "Why do I owe {balance}?"}]
    model_answer: Your visit on {seen} went to your deductible.
    next: [{goto: done}]
  done:
    say: [{id: done.1, text: "Thanks."}]
    ending: resolved
"""


def edited(old: str, new: str) -> str:
    assert old in BASE, old
    return BASE.replace(old, new, 1)


def line_of(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


def problems_for(tmp_path, text: str) -> list:
    path = tmp_path / "hostile.yaml"
    path.write_text(text, encoding="utf-8")
    loaded, problems = load_file(path)
    assert loaded is None and problems, "the file was accepted"
    return problems


def assert_refused(tmp_path, text: str, line: int, field: str, *needles: str):
    found = problems_for(tmp_path, text)
    match = [p for p in found if p.line == line and p.field == field and all(n in p.message for n in needles)]
    assert match, f"wanted line {line}, {field}, {needles}; got {[str(p) for p in found]}"
    assert str(match[0]).startswith(f"{tmp_path / 'hostile.yaml'}:{line}")


def test_the_base_file_loads(tmp_path):
    path = tmp_path / "hostile.yaml"
    path.write_text(BASE, encoding="utf-8")
    loaded, problems = load_file(path)
    assert problems == [] and loaded.scenario.persona.name == "{first_name} Lee"


# --- variables that cannot be drawn ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "new, field, needle",
    [
        ("step: 0,", "variables.balance.step", "step must be greater than 0"),
        ("step: -5,", "variables.balance.step", "step must be greater than 0"),
        ("step: .nan,", "variables.balance.step", "finite number"),
        ("step: 1e-300,", "variables.balance.step", "step is too small"),
        ("step: true,", "variables.balance.step", "expected a number, found true"),
    ],
)
def test_a_bad_step_is_refused(tmp_path, new, field, needle):
    text = edited("step: 5,", new)
    assert_refused(tmp_path, text, line_of(text, new), field, needle)


@pytest.mark.parametrize(
    "low, high, field",
    [
        (".nan", "200", "min"),
        (".inf", "200", "min"),
        ("-.inf", "200", "min"),
        ("100", ".NaN", "max"),
        ("100", ".Inf", "max"),
        ("100", "1e999", "max"),
    ],
)
def test_nan_and_infinite_bounds_are_refused(tmp_path, low, high, field):
    text = edited("{min: 100, max: 200,", f"{{min: {low}, max: {high},")
    assert_refused(tmp_path, text, line_of(text, "balance:"), "variables.balance." + field, "finite number")


def test_min_above_max_and_huge_bounds_are_refused(tmp_path):
    text = edited("{min: 100, max: 200,", "{min: 300, max: 200,")
    assert_refused(tmp_path, text, line_of(text, "min: 300"), "variables.balance.max", "smaller than min")
    text = edited("{min: 100, max: 200,", "{min: 100, max: 1e300,")
    assert_refused(tmp_path, text, line_of(text, "1e300"), "variables.balance.max", "less than or equal to")


@pytest.mark.parametrize("days", ["[3, 1000000000]", "[-1, 5]", "[9, 3]", "[3]", "[3, true]", "[3, 5.5]"])
def test_day_ranges_that_leave_the_calendar_are_refused(tmp_path, days):
    text = edited("{days_ago: [3, 9]}", "{days_ago: " + days + "}")
    found = problems_for(tmp_path, text)
    assert all(p.line == line_of(text, "days_ago") and p.field.startswith("variables.seen.days_ago") for p in found)


def test_variable_names_and_choices_are_plain(tmp_path):
    text = edited("  first_name: {choices", "  first.name: {choices")
    assert_refused(tmp_path, text, line_of(text, "first.name"), "variables.first.name", "letters, digits and '_'")
    text = edited("[Dana, Maria]", '[Dana, "{balance}"]')
    assert_refused(tmp_path, text, line_of(text, "Dana"), "variables.first_name.choices", "brace")
    text = edited("[Dana, Maria]", "[Dana, " + "M" * 201 + "]")
    assert_refused(tmp_path, text, line_of(text, "Dana"), "variables.first_name.choices[1]", "at most 200")


def test_a_text_that_would_fill_to_megabytes_is_refused(tmp_path):
    text = edited("[Dana, Maria]", "[" + "x" * 200 + "]").replace("Owes {balance}.", "Owes " + "{first_name}" * 101)
    assert_refused(tmp_path, text, line_of(text, "situation"), "persona.situation", "longer than 20,000")


# --- placeholders -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "bad, needle",
    [
        ("{balance:d}", "format specs"),
        ("{balance:>300000000}", "format specs"),
        ("{balance!r}", "conversions"),
        ("{a.b}", "attribute and index"),
        ("{a[0]}", "attribute and index"),
        ("{0}", "numbered"),
        ("{}", "names no variable"),
        ("{first name}", "letters, digits"),
        ("{balance", "unbalanced '{'"),
        ("balance}", "unbalanced '}'"),
        ("{undeclared}", "placeholder '{undeclared}' is not a declared variable"),
    ],
)
def test_only_plain_placeholders_of_declared_variables_are_allowed(tmp_path, bad, needle):
    text = edited("Owes {balance}.", f'"Owes {bad}."')
    assert_refused(tmp_path, text, line_of(text, "situation"), "persona.situation", needle)


@pytest.mark.parametrize(
    "old, new, field",
    [
        ("title: A hand-made call", "title: A hand-made call {nobody}", "title"),
        ("summary: Each test", "summary: Each {nobody} test", "summary"),
        ("organisation: Test Hospital", "organisation: Test Hospital {nobody}", "organisation"),
        ("[Explain the balance]", '["Explain {nobody}"]', "objectives[0]"),
        ("[A note]", '["A {nobody}"]', "sources[0]"),
        ('name: "{first_name} Lee"', 'name: "{first_name} {nobody}"', "persona.name"),
        ("situation: Owes {balance}.", "situation: Owes {nobody}.", "persona.situation"),
        ("temperament: calm", "temperament: calm {nobody}", "persona.temperament"),
        ("text: Rent is due", 'text: "Rent {nobody}"', "persona.hidden_concerns[0].text"),
        ("plan: none", 'plan: "{nobody}"', "account.plan"),
        ('amounts: {balance: "{balance}"}', 'amounts: {balance: "{nobody}"}', "facts.amounts.balance"),
        ("intent: Ask why", "intent: Ask {nobody}", "nodes.open.intent"),
        ('"Why do I owe {balance}?"', '"Why do I owe {nobody}?"', "nodes.open.say[0].text"),
        ("model_answer: Your visit on {seen}", "model_answer: Your visit on {nobody}", "nodes.open.model_answer"),
        ('"Thanks."', '"Thanks {nobody}."', "nodes.done.say[0].text"),
    ],
)
def test_every_text_field_is_checked_for_placeholders(tmp_path, old, new, field):
    text = edited(old, new)
    assert_refused(tmp_path, text, line_of(text, "{nobody}"), field, "'{nobody}' is not a declared variable")


def test_text_walk_reaches_every_string_field():
    """A new text field in the schema is walked without anyone listing it."""
    loaded, _ = load_file(BUILTIN_SCENARIOS_DIR / "surprise-deductible.yaml")
    locs = {tuple(k for k in loc if isinstance(k, str)) for loc, _ in texts_of(loaded.scenario)}
    for expected in [
        ("persona", "name"),
        ("persona", "situation"),
        ("persona", "temperament"),
        ("organisation",),
        ("persona", "hidden_concerns", "text"),
        ("objectives",),
        ("title",),
        ("summary",),
    ]:
        assert expected in locs
    assert any(loc[0] == "nodes" and loc[-1] == "model_answer" for loc in locs)


def test_literal_braces_are_allowed_and_filled_as_single_braces(tmp_path):
    path = tmp_path / "braces.yaml"
    path.write_text(edited("Owes {balance}.", '"Owes {{not a placeholder}} {balance}."'), encoding="utf-8")
    loaded, problems = load_file(path)
    assert problems == []
    assert fill(loaded.scenario.persona.situation, {"balance": "$5.00"}) == "Owes {not a placeholder} $5.00."


@pytest.mark.parametrize(
    "text",
    ["{balance:>300000000}", "{balance!r}", "{a.b}", "{a[0]}", "{0}", "{", "}", "{}", "{nobody}", "}{", "{balance:>{width}}"],
)
def test_fill_never_raises_and_never_formats(text):
    assert fill(text, {"balance": "$5.00"}) == text


def test_fill_puts_values_in_place():
    values = {"balance": "$5.00", "name": "Dana"}
    assert fill("{name} owes {balance}; {{name}} {{{name}}}", values) == "Dana owes $5.00; {name} {Dana}"
    assert fill("{name}", {"name": "{balance}"}) == "{balance}"  # a value is never filled in again


# --- YAML itself ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "old, new, second, field",
    [
        ("difficulty: 2\n", "difficulty: 2\ndifficulty: 3\n", "difficulty: 3", "difficulty"),
        ("  age: 40\n", "  age: 40\n  age: 41\n", "age: 41", "persona.age"),
        ("    intent: Ask why\n", "    intent: Ask why\n    intent: Ask again\n", "intent: Ask again", "nodes.open.intent"),
        (
            "  done:\n",
            "  open:\n    say: [{id: x.1, text: Hi}]\n    ending: resolved\n  done:\n",
            "  open:\n    say: [{id: x.1",
            "nodes.open",
        ),
        ("{min: 100, max: 200,", "{min: 100, max: 200, max: 300,", "max: 300", "variables.balance.max"),
    ],
)
def test_duplicate_keys_are_refused_at_the_second(tmp_path, old, new, second, field):
    text = edited(old, new)
    assert_refused(tmp_path, text, line_of(text, second), field, "given twice", "first on line")


@pytest.mark.parametrize(
    "tagged",
    [
        "!!binary aGk=",
        "!!python/object/apply:os.system [ls]",
        "!!set {a}",
        "!custom x",
        "!!str 3",
        "!!timestamp 2026-01-01",
        "!!float 1",
        "! x",
    ],
)
def test_explicit_yaml_tags_are_refused(tmp_path, tagged):
    text = edited("temperament: calm", "temperament: " + tagged)
    assert_refused(tmp_path, text, line_of(text, "temperament"), "persona.temperament", "YAML tag", "not allowed")


@pytest.mark.parametrize(
    "old, new, field, needle",
    [
        ("difficulty: 2", "difficulty: true", "difficulty", "expected a number, found true"),
        ("difficulty: 2", "difficulty: '2'", "difficulty", "valid integer"),
        ("difficulty: 2", "difficulty: 2.0", "difficulty", "valid integer"),
        ("age: 40", "age: false", "persona.age", "expected a number, found false"),
        ("temperament: calm", "temperament: 42", "persona.temperament", "expected text, found 42; put the text in quotes"),
        ("temperament: calm", "temperament:", "persona.temperament", "expected text, found nothing"),
        ("plan: none", "plan: true", "account.plan", "expected text or a number, found true"),
        ("plan: none", "plan: .nan", "account.plan", "finite number"),
        ("plan: none", "plan: [1, 2]", "account.plan", "expected text or a number, found a list"),
        ("plan: none", "plan: {a: 1}", "account.plan", "expected text or a number, found a mapping"),
        ("id: hostile", "id: " + "a" * 81, "id", "id must have at most 80 characters"),
        ("facts: {amounts", "facts: {insurer_paid: yes, amounts", "facts.insurer_paid", "expected true or false"),
        ("    next: [{goto: done}]", "    next: [{goto: done, mood: '5'}]", "nodes.open.next[0].mood", "valid integer"),
    ],
)
def test_types_are_strict(tmp_path, old, new, field, needle):
    text = edited(old, new)
    assert_refused(tmp_path, text, line_of(text, new.strip().split("\n")[0]), field, needle)


def test_yes_no_and_dates_stay_text(tmp_path):
    """YAML 1.1 would read these as booleans and dates; here they stay what the author wrote."""
    path = tmp_path / "words.yaml"
    path.write_text(edited("temperament: calm", "temperament: No").replace("plan: none", "plan: 2026-01-05"))
    loaded, problems = load_file(path)
    assert problems == []
    assert loaded.scenario.persona.temperament == "No" and loaded.scenario.account["plan"] == "2026-01-05"


@pytest.mark.parametrize("char", ["\x00", "\x07", "\x1b", "\x7f", "\x85", "\u2028", "\u202e", "\ufeff"])
def test_control_characters_are_refused_with_line_and_column(tmp_path, char):
    text = edited("temperament: calm", "temperament: ca" + char + "lm")
    found = problems_for(tmp_path, text)
    line = line_of(text, "temperament")
    assert found[0].line == line and found[0].column == len("  temperament: ca") + 1
    assert f"hostile.yaml:{line}:{found[0].column}: control character U+{ord(char):04X}" in str(found[0])


def test_tabs_windows_line_ends_and_a_byte_order_mark_are_fine(tmp_path):
    path = tmp_path / "windows.yaml"
    text = "\ufeff" + edited("Owes {balance}.", '"Owes\t{balance}."').replace("\n", "\r\n")
    path.write_bytes(text.encode("utf-8"))
    loaded, problems = load_file(path)
    assert problems == [] and "\t" in loaded.scenario.persona.situation


@pytest.mark.parametrize(
    "text, line, needle",
    [
        (BASE + "---\nid: second\n", BASE.count("\n") + 1, "one YAML document"),
        (BASE.replace("age: 40", "age: &a 40"), line_of(BASE, "age: 40"), "anchors and aliases"),
        (BASE.replace("  seen:", "  ? [a, b]\n  : 1\n  seen:"), line_of(BASE, "  seen:"), "a key must be a plain word"),
        (BASE.replace("age: 40", "age: " + "9" * 5000), line_of(BASE, "age: 40"), "more than 40 characters"),
        (BASE + "deep: " + "[" * 60 + "]" * 60 + "\n", BASE.count("\n") + 1, "nested more than 40 levels"),
    ],
)
def test_other_yaml_mistakes_name_their_line(tmp_path, text, line, needle):
    found = problems_for(tmp_path, text)
    assert found[0].line == line and needle in found[0].message, [str(p) for p in found]


def test_a_file_of_mistakes_reports_a_bounded_number(tmp_path):
    text = edited("sources: [A note]", "rules: [" + ", ".join(f"r{i}" for i in range(500)) + "]")
    found = problems_for(tmp_path, text)
    assert len(found) == MAX_PROBLEMS + 1 and "450 more" in found[-1].message


def test_a_device_or_pipe_is_not_read():
    loaded, problems = load_file("/dev/zero")
    assert loaded is None and "not a regular file" in problems[0].message


@pytest.mark.parametrize(
    "name, needles",
    [
        ("duplicate-keys.yaml", [":14: persona.name: key 'name' is given twice (first on line 10)"]),
        ("explicit-tags.yaml", [":2: title: YAML tag '!!binary' is not allowed"]),
        (
            "bad-variables.yaml",
            [
                ":10: variables.balance.step: step must be greater than 0",
                ":11: variables.deductible.min: min must be a finite number",
                ":12: variables.copay.max: max (20) is smaller than min (50)",
                ":13: variables.visit.days_ago: day range must be",
            ],
        ),
        (
            "unsafe-placeholders.yaml",
            [
                ":14: persona.situation: '{balance:>300000000}' is not a placeholder",
                ":15: persona.temperament: '{balance!r}' is not a placeholder",
                ":19: nodes.a.say[0].text: '{balance.real}' is not a placeholder",
            ],
        ),
    ],
)
def test_the_bad_examples_read_as_documented(name, needles):
    loaded, problems = load_file(BAD / name)
    shown = [str(p) for p in problems]
    assert loaded is None
    for needle in needles:
        assert any(s.startswith(str(BAD / name)) and needle in s for s in shown), (needle, shown)


# --- drawing and filling what loads --------------------------------------------------------------------

LIBRARY = load_library(BUILTIN_SCENARIOS_DIR)


@pytest.mark.parametrize("loaded", LIBRARY.scenarios, ids=lambda s: s.scenario.id)
def test_every_built_in_call_draws_and_fills_on_21_seeds(loaded):
    scenario = loaded.scenario
    texts = [text for loc, text in texts_of(scenario) if loc[0] != "variables"]
    for seed in range(21):
        values = draw(scenario, random.Random(seed), dt.date(2026, 1, 1) + dt.timedelta(days=seed * 17))
        assert set(values) == set(scenario.variables) and all(values.values())
        for text in texts:
            filled = fill(text, values)
            assert not any("{" + name + "}" in filled for name in placeholders(text)), filled


def test_the_extremes_the_schema_allows_draw_and_fill(tmp_path):
    text = edited(
        "  seen: {days_ago: [3, 9]}",
        f"  seen: {{days_ago: [{MAX_DAYS}, {MAX_DAYS}]}}\n  later: {{days_ahead: [{MAX_DAYS}, {MAX_DAYS}]}}",
    )
    text = text.replace("{min: 100, max: 200, step: 5,", f"{{min: {-MAX_MAGNITUDE:.0f}, max: {MAX_MAGNITUDE:.0f}, step: 2,")
    path = tmp_path / "extremes.yaml"
    path.write_text(text, encoding="utf-8")
    loaded, problems = load_file(path)
    assert problems == []
    oldest = dt.date(2026, 1, 1) - dt.timedelta(days=MAX_DAYS)
    for seed in range(21):
        values = draw(loaded.scenario, random.Random(seed), dt.date(2026, 1, 1))
        assert values["seen"] == f"{oldest:%B} {oldest.day}, {oldest.year}"
        assert fill("{balance} {later}", values).startswith("$")
