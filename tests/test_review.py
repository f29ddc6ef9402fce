"""Reviewing a real call: transcripts parsed, personal details redacted, staff turns scored, reviews stored redacted."""

import json
import sqlite3

import pytest

from trainer.domain import CallState
from trainer.review.decode import MAX_BYTES, TranscriptError
from trainer.review.parse import MAX_TURNS, parse_transcript, read_transcript
from trainer.review.redact import Redactor, luhn
from trainer.review.score import review_transcript
from trainer.scoring import ScoreContext, Scorer
from trainer.scoring.compliance import DEFAULT_RULES
from trainer.store.reviews import delete_review, get_review, list_reviews, save_review

# Synthetic call: every name, number and date is invented (4111 1111 1111 1111 is the standard test card).
CALL = """Call log, synthetic
Agent Priya: Thank you for calling Lakeside billing, this is Priya. How can I help?
Caller: Hi, my name is Marguerite Okonkwo. I got a bill for $1,210.00 and I lost my job, I can't afford it.
Agent Priya: I'm sorry, that sounds stressful. Before we look at the account, can I have your full name and date of birth?
Caller: Marguerite Okonkwo, March 14th, 1962. My account number is 88812345.
Agent Priya: Thank you, Ms. Okonkwo. Your balance is $1,210.00. We have a financial assistance program; I can send you the application today.
Caller: OK. My card is 4111 1111 1111 1111 if I need to pay. Email me at m.okonkwo@example.org or call 555-201-3344.
Agent Priya: Please don't read card numbers to me; I'll text you our secure payment link. Your MRN is A7731234 for reference.
"""
SECRETS = ["Priya", "Marguerite", "Okonkwo", "1962", "March 14", "88812345", "4111", "m.okonkwo", "555-201-3344", "A7731234"]


def call_file(tmp_path, text=CALL, name="call.txt", encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding) if isinstance(text, str) else text)
    return path


# parsing
def test_plain_text_turns_join_continuations_and_say_what_was_left_out():
    t = parse_transcript(
        b"Recorded 2 May\n[00:00:01] Agent: Hello, billing.\nHow can I help?\n"
        b"Patient: Well, here's the thing: the bill is wrong.\nAgent: Let me look.\n",
        "c.txt",
    )
    assert t.format == "text" and t.speakers == ["Agent", "Patient"]
    assert [(u.speaker, u.text, u.line) for u in t.turns] == [
        ("Agent", "Hello, billing. How can I help?", 2),
        ("Patient", "Well, here's the thing: the bill is wrong.", 4),  # a colon inside speech is no speaker
        ("Agent", "Let me look.", 5),
    ]
    assert t.notices == ["Line 1 came before the first speaker label and was left out."]


def test_webvtt_voices_notes_entities_and_cues_that_carry_on():
    vtt = (
        "WEBVTT\n\nNOTE recorded on the billing line\n\n1\n00:00:01.000 --> 00:00:03.000\n"
        "<v Agent>Hello, <i>this</i> is billing.</v>\n\n00:00:03.000 --> 00:00:05.000\n"
        "<v.loud Patient>I can&apos;t pay &amp; I&#39;m scared.\n\n00:00:05.000 --> 00:00:06.000\nStill the patient.\n"
    )
    t = parse_transcript(vtt.encode(), "c.vtt")
    assert t.format == "webvtt"
    assert [(u.speaker, u.text) for u in t.turns] == [
        ("Agent", "Hello, this is billing."),
        ("Patient", "I can't pay & I'm scared. Still the patient."),
    ]
    assert t.turns[1].line == 10


def test_srt_with_colon_and_bracket_labels():
    srt = (
        "1\n00:00:01,000 --> 00:00:03,000\n[Agent] Hi, billing office.\n\n2\n00:00:03,000 --> 00:00:05,000\n"
        "Patient: Hello.\n- I have a question.\n\n3\n00:00:05,000 --> 00:00:07,000\n[inaudible]\n"
    )
    t = parse_transcript(srt.encode(), "c.srt")
    assert t.format == "srt"
    assert [(u.speaker, u.text) for u in t.turns] == [
        ("Agent", "Hi, billing office."),
        ("Patient", "Hello. I have a question. [inaudible]"),
    ]


def test_csv_of_turns_with_quoted_commas_and_a_blank_speaker():
    data = b'speaker,text,start\nAgent,"Hi, this is billing",0\nPatient,Hello,1\n,"and another thing",2\n'
    t = parse_transcript(data, "c.csv")
    assert t.format == "csv" and [(u.speaker, u.text, u.line) for u in t.turns] == [
        ("Agent", "Hi, this is billing", 2),
        ("Patient", "Hello and another thing", 3),
    ]


def test_exports_with_the_speaker_on_a_line_of_its_own_and_utf16_files():
    otter = b"Jane Doe  0:00\nHello, billing office.\n\nCaller  0:05\nHi there.\n\nJane Doe  0:09\nHow can I help?\n"
    assert [(u.speaker, u.text, u.line) for u in parse_transcript(otter, "otter.txt").turns] == [
        ("Jane Doe", "Hello, billing office.", 1),
        ("Caller", "Hi there.", 4),
        ("Jane Doe", "How can I help?", 7),
    ]
    wide = parse_transcript("Agent: héllo\r\nPatient: hi \U0001f600\r\n".encode("utf-16"), "u16.txt")
    assert [u.text for u in wide.turns] == ["héllo", "hi \U0001f600"]


def test_a_short_csv_row_is_named_by_its_line():
    with pytest.raises(TranscriptError) as e:
        parse_transcript(b"time,speaker,text\n0,Agent,Hi\n1,Patient\n", "turns.csv")
    assert str(e.value).startswith("turns.csv (line 3):") and "column" in str(e.value)


def test_mixed_encodings_are_read_and_the_lines_named():
    data = "Agent: café\nPatient: naïve\n".encode() + "Agent: señor\n".encode("cp1252")
    t = parse_transcript(data, "mixed.txt")
    assert [u.text for u in t.turns] == ["café", "naïve", "señor"]
    assert t.notices == ["Line 3 was not valid UTF-8 and was read as Windows-1252 (Latin-1); check any accented letters there."]


@pytest.mark.parametrize(
    "data, problem, line",
    [
        (b"", "is empty", None),
        (b"  \n\t\n", "is empty", None),
        (b"hello there\nno labels anywhere\n", "has no speaker labels", 1),
        (b"Agent: hi\n\x00\x01\x02", "is not a text file", 2),
        (b"speaker,notes\nAgent,hi\n", "names no 'speaker' and 'text' columns", 1),
        (b'speaker,text\nAgent,"never closed\nPatient,hi\n', "is not readable CSV", 3),
    ],
)
def test_bad_transcripts_get_a_message_naming_the_file_and_line(data, problem, line):
    name = "bad.csv" if data.startswith(b"speaker") else "bad.txt"
    with pytest.raises(TranscriptError) as e:
        parse_transcript(data, name)
    assert str(e.value).startswith(name) and problem in str(e.value) and e.value.line == line


def test_a_file_over_the_cap_is_refused_by_its_size_unread(tmp_path):
    path = tmp_path / "huge.txt"
    with path.open("wb") as f:
        f.write(b"Agent: hello\n" * (10 * 1024 * 1024 // 13))  # 10 MB
    with pytest.raises(TranscriptError) as e:
        read_transcript(path)
    assert "huge.txt" in str(e.value) and "10.0 MB" in str(e.value) and f"{MAX_BYTES // 1024 // 1024}.0 MB" in str(e.value)


def test_missing_files_folders_and_too_many_turns(tmp_path):
    with pytest.raises(TranscriptError, match="nope.txt: cannot be read"):
        read_transcript(tmp_path / "nope.txt")
    with pytest.raises(TranscriptError, match="is a folder"):
        read_transcript(tmp_path)
    many = "".join(f"{'Agent' if i % 2 else 'Patient'}: line {i}\n" for i in range(MAX_TURNS + 5)).encode()
    with pytest.raises(TranscriptError) as e:
        parse_transcript(many, "long.txt")
    assert f"{MAX_TURNS + 5:,} turns" in str(e.value) and e.value.line == MAX_TURNS + 1


# redaction
def test_luhn_tells_card_numbers_from_other_long_numbers():
    assert luhn("4111111111111111") and luhn("5500005555555559") and luhn("371449635398431")
    assert not luhn("4111111111111112")
    card = Redactor().redact("It's 4111 1111 1111 1111 and 4111-1111-1111-1112 too.")
    assert card.text == "It's [CARD] and [NUMBER] too."  # both gone; only the checksummed one is called a card
    assert [r.kind for r in card.redactions] == ["card", "number"]


@pytest.mark.parametrize(
    "text, before, kind",
    [
        ("My date of birth is 03/14/1962.", "", "date_of_birth"),
        ("I was born March 14th, 1962.", "", "date_of_birth"),
        ("dob 1962-03-14", "", "date_of_birth"),
        ("March fourteenth nineteen sixty two.", "And can I have your date of birth?", "date_of_birth"),
        ("The first of May, 1962.", "What's your birthday?", "date_of_birth"),
        ("It is due on June 3rd.", "", "date"),
        ("We sent it 4/2/2025.", "", "date"),
    ],
)
def test_dates_of_birth_and_other_dates(text, before, kind):
    red = Redactor().redact(text, before)
    assert [r.kind for r in red.redactions] == [kind]
    assert not any(ch.isdigit() for ch in red.text) and red.text.count("[") == 1


def test_numbers_that_identify_someone_and_money_that_does_not():
    text = (
        "SSN 123-45-6789, last four of my social 6789. Call (555) 201-3344. Email ana.diaz@example.org. "
        "MRN: A7731234. Policy number ZX44812. I live at 42 Elm Street. The balance is $1,210.00, so 1,210 dollars."
    )
    red = Redactor().redact(text)
    assert red.text == (
        "SSN [SSN], last four of my social [SSN]. Call [PHONE]. Email [EMAIL]. MRN: [MRN]. "
        "Policy number [ACCOUNT]. I live at [ADDRESS]. The balance is $1,210.00, so 1,210 dollars."
    )


def test_names_given_and_heard_are_redacted_everywhere_one_number_a_person():
    r = Redactor(["Tomasz Wren"])
    first = "Hi, this is Sam from billing. Is this Ms. Okafor?"
    assert r.learn(first) == ["Sam", "Okafor"]
    r.learn("Hello, my name is Ines Beaulieu.")
    out = r.redact("Ines, Sam here. Tomasz said Beaulieu's bill was paid; Mr. Wren will call. Don't worry.").text
    assert out == "[NAME 4], [NAME 2] here. [NAME 1] said [NAME 4]'s bill was paid; Mr. [NAME 1] will call. Don't worry."
    assert Redactor().learn("This is Lakeside Hospital billing, I'm Sorry to call so late.") == []


def test_a_name_that_is_an_everyday_word_is_redacted_only_as_a_name():
    out = Redactor(["Bill Stone"]).redact("Bill asked about the bill; the stone steps. Stone agreed.").text
    assert out == "[NAME 1] asked about the bill; the stone steps. [NAME 1] agreed."


def test_spans_move_onto_the_redacted_text():
    red = Redactor(["Okafor"]).redact("Ms. Okafor, your balance is $50.")
    assert red.text == "Ms. [NAME 1], your balance is $50."
    s, e = red.map_span(12, 31)  # "your balance is $50" in the original
    assert red.text[s:e] == "your balance is $50"
    assert red.text[slice(*red.map_span(4, 8))] == "[NAME 1]"  # a span inside a name covers its placeholder


# scoring
def test_every_staff_turn_is_scored_by_the_same_scorer_against_the_line_before():
    t = parse_transcript(CALL.encode(), "call.txt")
    review = review_transcript(t)
    assert review.staff == ["Agent [NAME 1]"] and review.role == "hospital_billing"
    staff = review.staff_turns
    assert [s.line for s in staff] == [2, 4, 6, 8] and all(s.score is not None for s in staff)
    # the second staff turn is scored against the caller's words just before it, with the role's rules
    raw = Scorer().score(
        t.turns[2].text,
        ScoreContext(
            t.turns[1].text,
            "hospital_billing",
            frozenset(DEFAULT_RULES["hospital_billing"]),
            CallState(first_turn=False, hardship_voiced=True),
        ),
    )
    got = staff[1].score
    assert (got.empathy.score, got.clarity.score, got.compliance.score, got.overall) == (
        raw.empathy.score,
        raw.clarity.score,
        raw.compliance.score,
        raw.overall,
    )
    assert "acknowledged_feeling" in got.moves
    # identifiers were asked for and given, so the balance in turn 3 breaks no privacy rule
    assert not any(b.rule_id == "hipaa-verify-identity" for b in staff[2].score.blockers)
    assert "offered_financial_assistance" in staff[2].score.moves
    summary = review.summary()
    assert summary.turns == 4 and summary.dimensions["empathy"] is not None


def test_the_review_holds_only_redacted_text_with_spans_on_it():
    review = review_transcript(parse_transcript(CALL.encode(), "Marguerite_Okonkwo_2025-01-02.txt"))
    dumped = json.dumps(review.to_dict())
    assert not [s for s in SECRETS if s in dumped]
    assert review.source == "[NAME 2] [DATE].txt"  # the name in the file's name too
    assert review.redaction_counts()["card"] == 1 and review.redaction_counts()["date_of_birth"] == 1
    for turn in review.staff_turns:
        for d in turn.score.dimensions():
            for e in d.evidence:
                assert 0 <= e.start <= e.end <= len(turn.text)
    balance = review.staff_turns[2]
    spans = [balance.text[e.start : e.end] for d in balance.score.dimensions() for e in d.evidence]
    assert "$1,210.00" in spans and "[NAME 2]" in balance.text


def test_a_blocker_in_a_real_call_is_reported_on_its_turn():
    t = parse_transcript(
        b"Rep: Hello.\nPatient: I lost my job, I can't pay.\n"
        b"Rep: Your balance is $900. Pay today or we will send you to collections.\n",
        "c.txt",
    )
    review = review_transcript(t)
    rules = {b.rule_id for b in review.staff_turns[1].score.blockers}
    assert {"hipaa-verify-identity", "no-false-threats"} <= rules and review.summary().overall == 0


def test_the_staff_speaker_is_guessed_from_speech_when_labels_do_not_say():
    t = parse_transcript(
        b"Speaker 1: Thank you for calling, how can I help?\nSpeaker 2: I have a bill question.\n"
        b"Speaker 1: Can I have your full name and date of birth?\n",
        "c.txt",
    )
    review = review_transcript(t)
    assert review.staff == ["Speaker 1"] and len(review.staff_turns) == 2
    assert any("guessed from what they said" in n for n in review.notices)


def test_no_staff_turns_or_an_unknown_staff_label_is_refused_with_the_speakers():
    t = parse_transcript(b"Patient: Hello?\nPatient's son: Is anyone there?\nPatient: Hello?\n", "quiet.txt")
    with pytest.raises(TranscriptError) as e:
        review_transcript(t)
    assert str(e.value).startswith("quiet.txt: no staff turns") and "Patient, Patient's son" in str(e.value)
    with pytest.raises(TranscriptError, match="no speaker is labelled 'Nurse'"):
        review_transcript(t, staff="Nurse")
    assert len(review_transcript(t, staff="patient's SON").staff_turns) == 1  # named by the user, any case
    named = parse_transcript(b"Patient: Hello?\nDr Ana Ruiz: Hi.\nPatient: Bye.\nDr Ana Ruiz: Bye.\n", "named.txt")
    with pytest.raises(TranscriptError) as e:
        review_transcript(named, staff="Nurse")
    assert "Patient, Dr [NAME 1]" in str(e.value) and "Ruiz" not in str(e.value)  # a label that is a name is redacted
    assert review_transcript(named, staff="dr [name 1]").staff == ["Dr [NAME 1]"]  # and may be named redacted


# storage
def test_a_review_is_stored_redacted_and_read_back(store, tmp_path):
    review = review_transcript(parse_transcript(CALL.encode(), "call.txt"), names=["Lakeside"])
    review_id = save_review(store, review, "Supervisor Lee")
    [listed] = list_reviews(store)
    assert listed["id"] == review_id and listed["staff_turns"] == 4 and listed["reviewer"] == "Supervisor Lee"
    back = get_review(store, review_id)
    assert back["detail"]["turns"][1]["text"].startswith("Hi, my name is [NAME 3].")
    assert back["detail"]["summary"]["overall"] == review.summary().overall
    assert back["detail"]["redactions"] == review.redaction_counts()
    assert delete_review(store, review_id) and get_review(store, review_id) is None


def test_the_stored_table_never_holds_the_unredacted_text(store):
    save_review(store, review_transcript(parse_transcript(CALL.encode(), "Priya_Okonkwo.txt")))
    rows = store.db.execute("SELECT * FROM reviews").fetchall()
    cells = json.dumps([list(r) for r in rows])
    assert "[CARD]" in cells and not [s for s in SECRETS if s in cells]
    store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    raw = store.path.read_bytes()
    assert b"[CARD]" in raw and not [s for s in SECRETS if s.encode() in raw]  # nor anywhere in the file


def test_the_reviews_table_comes_with_the_schema(store):
    cols = {r[1] for r in store.db.execute("PRAGMA table_info(reviews)")}
    assert {"source", "detail", "overall", "blocked", "staff_turns", "reviewer"} <= cols


# the terminal command
def test_review_call_prints_redacted_scores_and_stores_on_request(tmp_path, capsys):
    from trainer.launch import main

    path = call_file(tmp_path)
    assert (
        main(
            [
                "--data-dir",
                str(tmp_path / "data"),
                "review-call",
                str(path),
                "--redact-name",
                "Lakeside",
                "--store",
                "--reviewer",
                "Lee",
            ]
        )
        == 0
    )
    out, err = capsys.readouterr()
    assert "STAFF Agent [NAME 2] (line 2, turn 1)" in out and "BLOCKER" not in out.split("STAFF")[1]
    assert "Redacted: " in out and "1 card number or code" in out and "1 date of birth" in out
    assert "empathy" in out and "overall" in out and "Staff turns scored: 4" in out
    assert not [s for s in SECRETS + ["Lakeside"] if s in out]
    assert "Stored (redacted) as review" in err
    con = sqlite3.connect(tmp_path / "data" / "trainer.db")
    assert con.execute("SELECT reviewer, staff_turns FROM reviews").fetchall() == [("Lee", 4)]
    con.close()


def test_review_call_refuses_a_bad_file_naming_it(tmp_path, capsys):
    from trainer.launch import main

    assert main(["review-call", str(call_file(tmp_path, "just words\nno speakers\n", "notes.txt"))]) == 1
    err = capsys.readouterr().err
    assert "error: notes.txt (line 1): has no speaker labels" in err
    assert main(["review-call", str(call_file(tmp_path, b"", "empty.vtt"))]) == 1
    assert "empty.vtt: is empty" in capsys.readouterr().err


def test_review_call_json_names_the_staff_and_every_turn(tmp_path, capsys):
    from trainer.launch import main

    assert main(["review-call", str(call_file(tmp_path)), "--staff", "caller", "--role", "collection_agency", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["staff"] == ["Caller"] and data["role"] == "collection_agency"
    assert [t["staff"] for t in data["turns"]] == [False, True] * 3 + [False]


def test_review_call_registers_on_the_main_parser_as_a_data_command(tmp_path, capsys):
    import argparse

    from trainer.cli_review import add_review_command

    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir")
    add_review_command(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["review-call", str(call_file(tmp_path)), "--staff", "Caller"])
    assert args.data_handler(args) == 0 and "STAFF Caller (line 3, turn 2)" in capsys.readouterr().out


# the window
def test_the_review_window_shows_plain_redacted_text_and_stores_through_its_callable(qtbot, tmp_path):
    from PySide6.QtCore import Qt

    from trainer.ui.review_view import ReviewDialog

    saved = []
    dialog = ReviewDialog(save=lambda review: saved.append(review) or "r-1")
    qtbot.addWidget(dialog)
    call = CALL.replace("How can I help?", "How can I <b>help</b>?")
    assert dialog.open_file(call_file(tmp_path, call, "<b>call.txt"))
    qtbot.waitUntil(lambda: dialog.review is not None, timeout=20000)
    from PySide6.QtWidgets import QLabel

    outside = [w for w in dialog.findChildren(QLabel) if "<" in w.text()]
    assert outside and all(w.textFormat() == Qt.TextFormat.PlainText for w in outside)  # the file's name, as typed
    shown = dialog.text.toPlainText()
    assert "<b>help</b>" in shown and "[CARD]" in shown and not [s for s in SECRETS if s in shown]
    assert dialog.turns.count() == 4 and dialog.redactions.count() >= 8
    assert len(dialog.text.extraSelections()) >= 8  # each redaction highlighted
    assert "Priya" not in [dialog.staff.itemText(i) for i in range(dialog.staff.count())]
    assert "empathy" in dialog.detail.toPlainText()
    dialog.name_field.setText("Lakeside")
    dialog.add_name()
    qtbot.waitUntil(lambda: dialog.review is not None and "Lakeside" not in dialog.text.toPlainText(), timeout=20000)
    dialog.save_button.click()
    assert len(saved) == 1 and "r-1" in dialog.status.text()
    assert dialog.open_file(call_file(tmp_path, b"", "empty.txt")) is False
    assert dialog.status.text() == "empty.txt: is empty: there is nothing to review" and not dialog.save_button.isEnabled()


def test_the_window_lets_the_staff_speaker_be_chosen_when_it_cannot_be_guessed(qtbot, tmp_path):
    from trainer.ui.review_view import ReviewDialog

    dialog = ReviewDialog()  # no store: no Save button
    qtbot.addWidget(dialog)
    assert dialog.save_button.isHidden()
    path = call_file(tmp_path, "Speaker A: Hello.\nSpeaker B: Hi, I have a question.\nSpeaker A: Sure.\n", "ab.txt")
    assert dialog.open_file(path)
    qtbot.waitUntil(lambda: "no staff turns" in dialog.status.text(), timeout=20000)
    assert [dialog.staff.itemText(i) for i in range(dialog.staff.count())][1:] == ["Speaker A", "Speaker B"]
    dialog.staff.setCurrentIndex(1)
    dialog.rescore()
    qtbot.waitUntil(lambda: dialog.review is not None, timeout=20000)
    assert dialog.review.staff == ["Speaker A"] and dialog.turns.count() == 2


def test_scoring_again_before_the_last_run_ends_shows_the_newest(qtbot, tmp_path):
    from trainer.ui.review_view import ReviewDialog

    dialog = ReviewDialog()
    qtbot.addWidget(dialog)
    assert dialog.open_file(call_file(tmp_path))
    dialog.names.append("Lakeside")
    dialog.rescore()  # replaces the run open_file started
    qtbot.waitUntil(lambda: dialog.review is not None, timeout=20000)
    assert "Lakeside" not in dialog.text.toPlainText() and dialog.rescore_button.isEnabled()
