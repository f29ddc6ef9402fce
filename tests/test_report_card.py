"""The trainee's PDF report card, drawn offscreen."""

import re
import shutil
import subprocess

import pytest

from classroom import play
from trainer.ui.report_card import write_report_card


@pytest.fixture
def dana(store, library):
    for seed in range(1, 5):
        play(store, library, "Dana Lee", "surprise-deductible", seed=seed)
    sid = play(store, library, "Dana Lee", "collector-dispute", seed=9, breach=True)
    store.add_annotation(sid, "Ms Ortiz", "comment", "Verify identity before you name the balance.")
    store.add_annotation(sid, "Ms Ortiz", "override", "Generous call", dimension="empathy", value=75)
    return store.sign_in("Dana Lee")


def test_a_report_card_is_a_one_page_pdf_with_the_trainees_name(qapp, store, dana, tmp_path):
    path = write_report_card(store, dana, tmp_path / "dana.pdf")
    data = path.read_bytes()
    assert data.startswith(b"%PDF") and len(data) > 5_000
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    for words in (
        "Dana Lee",
        "REPORT CARD",
        "Average score by dimension",
        "Overall score over time",
        "Recent calls",
        "Surprise balance after",
        "blocker:",
        "Do not reveal",
        "Verify identity before you name the balance.",
        "override: empathy 75",
        "Practise next",
    ):
        assert words in text, words
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"^Pages:\s+1$", info, re.M) and "Report card: Dana Lee" in info


def test_a_trainee_without_calls_gets_a_card_too(qapp, store, tmp_path):
    new = store.sign_in("Zoe Park", badge="B-42")
    path = write_report_card(store, new, tmp_path / "zoe.pdf")
    assert path.read_bytes().startswith(b"%PDF")
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout
        assert "Zoe Park" in text and "No finished calls yet" in text and "Badge B-42" in text


def test_an_unknown_trainee_is_an_error(qapp, store, tmp_path):
    with pytest.raises(KeyError):
        write_report_card(store, "nobody", tmp_path / "x.pdf")
