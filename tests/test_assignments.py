"""A supervisor's assignments: stored, judged done or overdue from the calls, carried by bundles to the kiosks
(and the calls that complete them back), set from the terminal and from two widgets."""

import argparse
import datetime as dt
import re

import pytest

from classroom import kiosk, play
from test_bundle import reseal
from trainer import cli
from trainer.assignments import (
    Assignment,
    AssignmentError,
    Call,
    Standing,
    add,
    assigned_to,
    class_completion,
    covered,
    meets,
    standing,
    weakest_dimension,
)
from trainer.cli_assign import add_assign_commands
from trainer.coach import fits
from trainer.progress import load_progress
from trainer.store.assignments import add_assignment, all_assignments, assignments_for, withdraw_assignment
from trainer.store.bundle import export_bundle, format_import_report, import_bundles
from trainer.store.queries import ended_calls
from trainer.store.store import Store

FAR = "2099-01-01"
T0 = dt.datetime(2026, 5, 1, 9, 0, tzinfo=dt.timezone.utc)
DUE = dt.date(2026, 5, 10)
SCORES = ("empathy", "clarity", "compliance", "overall")


def assignment(kind="scenarios", scenarios=("surprise-deductible",), domain=None, target=70, trainee="t1"):
    return Assignment("a1", T0, "Ms Park", trainee, "Dana Lee", kind, tuple(scenarios), domain, DUE, target)


def call(
    scenario="surprise-deductible",
    passed=True,
    overall=87,
    blocked=False,
    after=True,
    overrides=None,
    lifted=False,
    dims=(80, 85, 90),
):
    return Call(
        scenario,
        T0 + dt.timedelta(hours=1 if after else -1),
        passed,
        dict(zip(SCORES, (*dims, overall))),
        blocked,
        overrides or {},
        lifted,
    )


def other_domain(library, domain="account-resolution"):
    return next(s.scenario.id for s in library.scenarios if s.scenario.crcr_domains and domain not in s.scenario.crcr_domains)


# the store
def test_the_store_adds_lists_and_withdraws(store):
    dana, eli = store.sign_in("Dana Lee"), store.sign_in("Eli Cruz")
    mine = add_assignment(
        store,
        author=" Ms Park ",
        kind="scenarios",
        due="2099-02-01",
        target=70,
        trainee_id=dana,
        scenarios=["surprise-deductible", "collector-dispute", "surprise-deductible"],
    )
    whole = add_assignment(store, author="Ms Park", kind="domain", domain="account-resolution", due="2099-01-01", target=60)
    eli_only = add_assignment(store, author="Ms Park", kind="weakest", due="2099-03-01", target=80, trainee_id=eli)
    rows = assignments_for(store, dana)
    assert [r["id"] for r in rows] == [whole, mine]  # the whole class's too, soonest due first
    assert rows[1]["scenarios"] == ["surprise-deductible", "collector-dispute"]  # each once, in the order given
    assert rows[1]["author"] == "Ms Park" and rows[1]["kiosk_id"] == store.kiosk_id
    assert rows[1]["trainee_name"] == "Dana Lee" and rows[0]["trainee_name"] is None
    assert [r["id"] for r in all_assignments(store)] == [whole, mine, eli_only]
    withdraw_assignment(store, whole, "Ms Park")
    assert [r["id"] for r in assignments_for(store, dana)] == [mine]
    assert whole not in [r["id"] for r in all_assignments(store)]
    assert store.db.execute("SELECT COUNT(*) FROM assignments").fetchone()[0] == 3  # kept, marked withdrawn
    with pytest.raises(ValueError, match="withdrawn already"):
        withdraw_assignment(store, whole, "Ms Park")
    with pytest.raises(ValueError, match="no assignment"):
        withdraw_assignment(store, "nope", "Ms Park")


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"kind": "homework"}, "not 'homework'"),
        ({"target": 101}, "0 to 100, not 101"),
        ({"target": True}, "0 to 100"),
        ({"due": "2099-1-1"}, "YYYY-MM-DD"),
        ({"scenarios": []}, "at least one scenario"),
        ({"trainee_id": "no-such-trainee"}, "no trainee"),
        ({"author": "  "}, "author"),
        ({"kind": "weakest"}, "scenarios are listed only"),
    ],
)
def test_the_store_refuses_a_badly_shaped_assignment(store, changes, message):
    values = {"author": "Ms Park", "kind": "scenarios", "due": FAR, "target": 70, "scenarios": ["surprise-deductible"]}
    with pytest.raises(ValueError, match=message):
        add_assignment(store, **{**values, **changes})
    assert all_assignments(store) == []


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"due": "2026-04-30"}, "2026-04-30 is in the past \\(today is 2026-05-01\\)"),
        ({"scenarios": ["surprise-deductible", "nope"]}, "no scenario 'nope' in the library"),
        ({"kind": "domain", "domain": "billing"}, "'billing' is not a CRCR domain"),
        ({"target": 150}, "0 to 100, not 150"),
        ({"target": -1}, "0 to 100, not -1"),
    ],
)
def test_a_new_assignment_is_checked_against_the_library_and_today(store, library, changes, message):
    values = {
        "author": "Ms Park",
        "trainee_id": None,
        "kind": "scenarios",
        "due": "2026-05-01",
        "scenarios": ["surprise-deductible"],
        "target": 70,
    }
    with pytest.raises(AssignmentError, match=message):
        add(store, library, **{**values, **changes}, today=T0.date())
    assert all_assignments(store) == []
    assert add(store, library, **values, today=T0.date())  # due today is allowed


# the rules
def test_at_the_pass_mark_the_verdict_decides_and_another_target_reads_the_overall():
    good = call(overall=87)
    assert meets(good, 70) and meets(good, 85) and not meets(good, 90)
    assert not meets(call(passed=False, overall=87), 70)  # the app's verdict, e.g. a supervisor's override
    failed = call(passed=False, overall=60)
    assert meets(failed, 50) and meets(failed, 60) and not meets(failed, 61)  # below the pass mark: overall only
    blocked = call(passed=False, overall=0, blocked=True, dims=(80, 80, 0))
    assert not meets(blocked, 0)  # a blocker standing never counts
    lifted = call(passed=False, overall=0, blocked=True, lifted=True, dims=(60, 60, 60))
    assert meets(lifted, 60) and not meets(lifted, 61)  # cleared: the dimensions' mean
    overridden = call(passed=False, overall=80, overrides={"clarity": 50})
    assert not meets(overridden, 75)  # above the pass mark the call must have passed too


def test_done_overdue_and_due_soon(library):
    a = assignment(scenarios=("surprise-deductible", "collector-dispute"))
    half = [call("surprise-deductible"), call("collector-dispute", after=False)]  # the second was made before it
    s = standing(a, half, library, None, DUE - dt.timedelta(days=10))
    assert (s.done, s.overdue, s.due_soon, s.reached) == (False, False, False, {"surprise-deductible"})
    assert s.to_start(library) == ["collector-dispute"]
    assert standing(a, half, library, None, DUE - dt.timedelta(days=2)).due_soon
    late = standing(a, half, library, None, DUE + dt.timedelta(days=1))
    assert late.overdue and not late.due_soon
    assert standing(a, half, library, None, DUE).due_soon  # due today is not overdue
    done = standing(a, [*half, call("collector-dispute")], library, None, DUE + dt.timedelta(days=5))
    assert done.done and not done.overdue and done.to_start(library) == []
    assert not standing(a, [call("collector-dispute", passed=False, overall=50), half[0]], library, None, DUE).done


def test_a_domain_needs_one_call_of_its_scenarios(library):
    a = assignment("domain", (), "account-resolution")
    assert covered(a, library, None) == [
        s.scenario.id for s in library.scenarios if "account-resolution" in s.scenario.crcr_domains
    ]
    assert not standing(a, [call(other_domain(library))], library, None, DUE).done
    assert standing(a, [call(other_domain(library)), call("surprise-deductible")], library, None, DUE).done


def test_the_weakest_dimension_is_the_coachs_and_its_scenarios_fit_it(library):
    a = assignment("weakest", ())
    for dimension in ("empathy", "clarity", "compliance"):
        assert covered(a, library, dimension) == [s.scenario.id for s in library.scenarios if fits(s.scenario, dimension)]
    unfit = next(s.scenario.id for s in library.scenarios if not fits(s.scenario, "clarity"))
    fit = covered(a, library, "clarity")[0]
    assert not standing(a, [call(unfit)], library, "clarity", DUE).done
    assert standing(a, [call(fit)], library, "clarity", DUE).done
    assert len(covered(a, library, None)) == len(library.scenarios)  # before a scored call, any scenario
    assert len(standing(a, [], library, "clarity", DUE).to_start(library)) == 4  # a few offered, not all


def test_a_whole_class_assignment_applies_to_everyone_including_later_trainees(store, library):
    play(store, library, "Fay Ng")  # a pass made before the assignment: it does not count
    aid = add(store, library, author="Ms Park", trainee_id=None, kind="scenarios", scenarios=["surprise-deductible"], due=FAR)
    play(store, library, "Dana Lee")
    play(store, library, "Gus Roy", breach=True)  # completed, but not passed
    eli = store.sign_in("Eli Cruz")  # joins later
    [(a, completion)] = class_completion(store, library, today=dt.date(2099, 1, 2))
    assert a.id == aid and a.whole_class
    assert {name: s.done for name, s in completion.trainees} == {
        "Dana Lee": True,
        "Eli Cruz": False,
        "Fay Ng": False,
        "Gus Roy": False,
    }
    assert completion.words() == "1 of 4 done, 3 overdue"
    [(mine, s)] = assigned_to(store, library, eli, today=dt.date(2099, 1, 1))
    assert mine.id == aid and not s.done and not s.overdue and s.due_soon


def test_a_weakest_dimension_assignment_reads_the_trainees_record(store, library):
    dana = store.sign_in("Dana Lee")
    play(store, library, "Dana Lee", "collector-dispute", breach=True)
    add(store, library, author="Ms Park", trainee_id=dana, kind="weakest", due=FAR)
    weakest = weakest_dimension(load_progress(ended_calls(store, dana), library))
    [(_, s)] = assigned_to(store, library, dana)
    assert weakest is not None and not s.done
    assert list(s.scenarios) == [x.scenario.id for x in library.scenarios if fits(x.scenario, weakest)]
    everywhere = next(
        x.scenario.id for x in library.scenarios if all(fits(x.scenario, d) for d in ("empathy", "clarity", "compliance"))
    )
    play(store, library, "Dana Lee", everywhere, replies=40)
    [(_, s)] = assigned_to(store, library, dana)
    assert store.db.execute("SELECT passed FROM sessions WHERE scenario_id = ?", [everywhere]).fetchone()[0] == 1
    assert s.done


# bundles
def test_assignments_go_to_a_kiosk_and_the_calls_that_do_them_come_back(tmp_path, library):
    room = kiosk(tmp_path, "room-a")
    boss = Store(tmp_path / "supervisor" / "trainer.db")
    usb = tmp_path / "usb"
    usb.mkdir()
    try:
        play(room, library, "Dana Lee", "collector-dispute", breach=True)
        import_bundles(boss, [export_bundle(room, usb).path])
        dana = boss.sign_in("Dana Lee")
        mine = add(boss, library, author="Ms Park", trainee_id=dana, kind="scenarios", due=FAR, scenarios=["surprise-deductible"])
        add(boss, library, author="Ms Park", trainee_id=None, kind="domain", domain="account-resolution", due=FAR, target=60)
        gone = add(boss, library, author="Ms Park", trainee_id=None, kind="weakest", due=FAR)
        withdraw_assignment(boss, gone, "Ms Park")

        out = import_bundles(room, [export_bundle(boss, usb, name="to-kiosk").path])
        t = out.totals()
        assert out.committed and (t["assignments"].new, t["assignment_withdrawals"].new) == (3, 1)
        assert "3 new assignment(s), 1 withdrawal(s)" in format_import_report(out)
        on_kiosk = assigned_to(room, library, dana)
        assert [a.id for a, _ in on_kiosk] != [] and gone not in [a.id for a, _ in on_kiosk]
        assert not any(s.done for _, s in on_kiosk)

        play(room, library, "Dana Lee", "surprise-deductible", seed=5)
        assert all(s.done for _, s in assigned_to(room, library, dana))

        back = import_bundles(boss, [export_bundle(room, usb, name="to-supervisor").path])
        t = back.totals()
        assert (t["sessions"].new, t["assignments"].new, t["assignments"].unchanged) == (1, 0, 3)
        assert (t["assignment_withdrawals"].unchanged, t["assignments"].conflicts) == (1, 0)
        words = {a.id: c.words() for a, c in class_completion(boss, library)}
        assert words[mine] == "1 of 1 done"
        again = import_bundles(room, [export_bundle(boss, usb, name="again").path])
        assert sum(c.new + c.conflicts for c in again.totals().values()) == 0  # safe to repeat
    finally:
        room.close()
        boss.close()


@pytest.fixture
def supervisor_bundle(tmp_path, library):
    boss = Store(tmp_path / "supervisor" / "trainer.db")
    dana = boss.sign_in("Dana Lee")
    aid = add(boss, library, author="Ms Park", trainee_id=dana, kind="scenarios", scenarios=["surprise-deductible"], due=FAR)
    usb = tmp_path / "usb"
    usb.mkdir()
    path = export_bundle(boss, usb).path
    boss.close()
    room = kiosk(tmp_path, "room-a")
    yield path, room, aid
    room.close()


@pytest.mark.parametrize(
    "sql, message",
    [
        ("UPDATE assignments SET target = 500", "assignments row .*: target 500 is not 0-100"),
        ("UPDATE assignments SET due = '2099-02-30'", "due '2099-02-30' is not a date written YYYY-MM-DD"),
        ("UPDATE assignments SET kind = 'domain'", "scenarios .* does not fit the kind"),
        ("UPDATE assignments SET scenarios = '[1, 2]'", "scenarios .* does not fit the kind"),
        ("UPDATE assignments SET scenarios = '{\"a\": 1}'", "scenarios .* does not fit the kind"),
        ("UPDATE assignments SET trainee_id = 'x'", "trainee_id 'x' is not an id"),
        (
            "UPDATE assignments SET trainee_id = '00000000-0000-4000-8000-000000000000'",
            "an assignment's trainee is neither in the bundle nor here",
        ),
        (
            "INSERT INTO assignment_withdrawals VALUES ('00000000-0000-4000-8000-000000000000', "
            "'2026-05-01T00:00:00+00:00', 'x', NULL)",
            "a withdrawal's assignment is neither in the bundle nor here",
        ),
        ("DROP TABLE assignments", "has no assignments table"),
    ],
)
def test_a_bad_assignment_in_a_bundle_is_refused_and_changes_nothing(supervisor_bundle, sql, message):
    path, room, _ = supervisor_bundle
    report = import_bundles(room, [reseal(path, sql)])
    assert not report.committed and len(report.rejected) == 1
    assert re.search(message, str(report.rejected[0]))
    assert room.db.execute("SELECT COUNT(*) FROM assignments").fetchone()[0] == 0


def test_an_assignment_here_is_never_changed_and_an_older_bundle_has_none(supervisor_bundle):
    path, room, aid = supervisor_bundle
    assert import_bundles(room, [path]).committed
    changed = import_bundles(room, [reseal(path, "UPDATE assignments SET target = 90")])
    assert changed.committed and changed.totals()["assignments"].conflicts == 1
    assert "conflict: assignment" in format_import_report(changed)
    assert room.db.execute("SELECT target FROM assignments WHERE id = ?", [aid]).fetchone()[0] == 70
    older = reseal(path, "DROP TABLE assignments; DROP TABLE assignment_withdrawals", schema_version=8)
    assert import_bundles(room, [older]).committed  # made before bundles carried assignments


# the terminal
def run(data_dir, *args):
    parser = cli.build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    if "assign" not in sub.choices:  # until cli.py registers them
        add_assign_commands(sub)
    return cli.run_command(parser.parse_args(["--data-dir", str(data_dir), *map(str, args)]))


def test_assign_and_list_from_the_terminal(tmp_path, library, capsys):
    store = Store(tmp_path / "trainer.db")
    play(store, library, "Dana Lee")
    store.sign_in("Eli Cruz")
    store.close()
    assert (
        run(
            tmp_path,
            "assign",
            "--trainee",
            "dana lee",
            "--scenario",
            "surprise-deductible",
            "collector-dispute",
            "--due",
            FAR,
            "--target",
            "60",
        )
        == 0
    )
    assert "Assigned to Dana Lee, due 2099-01-01, target 60" in capsys.readouterr().out
    assert run(tmp_path, "assign", "--class", "--domain", "account-resolution", "--due", FAR) == 0
    assert run(tmp_path, "assign", "--class", "--weakest", "--due", "2000-01-01") == 2
    assert "2000-01-01 is in the past" in capsys.readouterr().err
    assert run(tmp_path, "assign", "--trainee", "Nobody", "--weakest", "--due", FAR) == 1
    assert run(tmp_path, "assign", "--class", "--domain", "nope", "--due", FAR) == 2
    assert "'nope' is not a CRCR domain" in capsys.readouterr().err
    assert run(tmp_path, "assignments") == 0
    out = capsys.readouterr().out
    assert "The whole class: One call in Account resolution" in out and "0 of 2 done" in out
    assert "Dana Lee: Scenarios: " in out and "0 of 1 done" in out  # the pass was made before it
    first = out.split()[0]
    assert run(tmp_path, "assignments", "--withdraw", first) == 0
    assert f"Withdrew assignment {first}" in capsys.readouterr().out
    assert run(tmp_path, "assignments", "--withdraw", first) == 1  # not listed any more
    capsys.readouterr()
    assert run(tmp_path, "assignments") == 0
    assert first not in capsys.readouterr().out


# the widgets
def test_the_supervisor_assigns_sees_completion_and_withdraws(qtbot, store, data, library):
    from PySide6.QtCore import Qt

    from trainer.ui.assign_dialog import AssignDialog

    store.sign_in("<b>Dana</b> Lee")
    play(store, library, "Eli Cruz")
    asked = []
    dialog = AssignDialog(
        data, library, author="Ms Park", today=dt.date(2026, 5, 1), confirm=lambda parent, text: asked.append(text) or True
    )
    qtbot.addWidget(dialog)
    assert [dialog.who.itemText(i) for i in range(dialog.who.count())] == ["The whole class", "<b>Dana</b> Lee", "Eli Cruz"]
    assert dialog.save() is None and "choose at least one scenario" in dialog.message.text()
    assert dialog.due.minimumDate().toString("yyyy-MM-dd") == "2026-05-01"  # no day in the past can be picked
    dialog.who.setCurrentIndex(1)
    first = next(
        i for i in range(dialog.scenarios.count()) if dialog.scenarios.item(i).data(Qt.UserRole) == "surprise-deductible"
    )
    dialog.scenarios.item(first).setCheckState(Qt.Checked)
    dialog.target.setValue(60)
    assert dialog.save()
    dialog.who.setCurrentIndex(0)
    dialog.kinds["domain"].setChecked(True)
    dialog.domain.setCurrentIndex(dialog.domain.findData("account-resolution"))
    assert not dialog.scenarios.isEnabled() and dialog.domain.isEnabled()
    dialog.due.setDate(dialog.due.date().addDays(30))
    assert dialog.save()
    cells = [[dialog.table.item(r, c).text() for c in range(5)] for r in range(dialog.table.rowCount())]
    assert cells[0][1:] == ["<b>Dana</b> Lee", "Scenarios: Surprise balance after the deductible", "60", "0 of 1 done"]
    assert cells[1][0] == "2026-06-07" and cells[1][1:3] == ["The whole class", "One call in Account resolution"]
    assert cells[1][4] == "0 of 2 done"
    dialog.table.selectRow(0)
    assert dialog.withdraw_selected() and "<b>Dana</b> Lee" in asked[0]
    assert dialog.table.rowCount() == 1 and len(all_assignments(store)) == 1


def test_the_trainee_sees_what_is_assigned_and_starts_it(qtbot, library):
    from trainer.ui.assigned_panel import AssignedPanel

    panel = AssignedPanel()
    qtbot.addWidget(panel)
    panel.show()
    late = assignment(scenarios=("surprise-deductible", "collector-dispute"))
    done = Assignment("a2", T0, "Ms Park", None, None, "domain", (), "account-resolution", DUE, 80)
    panel.show_assignments(
        [
            (done, Standing(True, False, False, ("surprise-deductible",), frozenset({"surprise-deductible"}))),
            (late, Standing(False, True, False, late.scenarios, frozenset({"surprise-deductible"}))),
        ],
        library,
        today=DUE + dt.timedelta(days=2),
    )
    assert panel.isVisible()
    states = [w for w in panel.findChildren(type(panel.more)) if w.objectName() == "assignmentState"]
    assert [s.text() for s in states] == ["Overdue: was due 2026-05-10 (2 days ago)", "✓ Done"]
    assert "c53030" in states[0].styleSheet()  # overdue in red
    assert list(panel.start_buttons) == ["collector-dispute"]  # a done scenario or assignment offers no start
    with qtbot.waitSignal(panel.start_requested) as signal:
        panel.start_buttons["collector-dispute"].click()
    assert signal.args == ["collector-dispute"]
    panel.show_assignments([], library)
    assert not panel.isVisible()


def test_a_supervisors_override_counts_as_the_verdict_does(store, library):
    dana = store.sign_in("Dana Lee")
    strict = add(store, library, author="Ms Park", trainee_id=dana, kind="scenarios", scenarios=["surprise-deductible"], due=FAR)
    lenient = add(
        store, library, author="Ms Park", trainee_id=dana, kind="scenarios", scenarios=["surprise-deductible"], due=FAR, target=40
    )
    sid = play(store, library, "Dana Lee")
    assert {a.id: s.done for a, s in assigned_to(store, library, dana)} == {strict: True, lenient: True}
    store.add_annotation(sid, "Ms Park", "override", "missed the estimate", dimension="overall", value=50)
    assert {a.id: s.done for a, s in assigned_to(store, library, dana)} == {strict: False, lenient: True}
    store.add_annotation(sid, "Ms Park", "override", "on review", dimension="overall", value=30)
    assert {a.id: s.done for a, s in assigned_to(store, library, dana)} == {strict: False, lenient: False}
