"""The model's timing and wording are settings (clamped when a file says nonsense); the judge can only be
switched on in Settings for a server and model that passed the calibration; the style follows the
model's size when left on automatic."""

import pytest

from trainer.llm.calibration import calibrated_for
from trainer.llm.endpoint import DEFAULT_FIRST_WORD, DEFAULT_TIMEOUT, EndpointConfig
from trainer.llm.server import LocalServer
from trainer.llm.prompt import model_size, resolve_style
from trainer.personas.llm import is_local
from trainer.settings import Settings, load_settings, save_settings


def test_the_deadline_and_first_word_wait_come_from_settings_with_defaults():
    assert Settings().llm_deadline == DEFAULT_TIMEOUT == 8.0 and Settings().llm_first_word == DEFAULT_FIRST_WORD
    cfg = EndpointConfig.from_settings(Settings(llm_deadline=6.0, llm_first_word=2.0, llm_style="lead_in"), env={})
    assert (cfg.timeout, cfg.first_word_timeout, cfg.style) == (6.0, 2.0, "lead_in")


@pytest.mark.parametrize(
    "deadline,first,style,want",
    [
        (-5, 99, "weird", (2.0, 2.0, "auto")),
        (1e9, 0.0, "auto", (30.0, 0.5, "auto")),
        ("8", None, None, (DEFAULT_TIMEOUT, DEFAULT_FIRST_WORD, "auto")),
        (float("nan"), 3, "paraphrase", (8.0, 3.0, "paraphrase")),
    ],
)
def test_nonsense_timing_in_a_settings_file_is_clamped(deadline, first, style, want):
    s = Settings()
    s.llm_deadline, s.llm_first_word, s.llm_style = deadline, first, style
    cfg = EndpointConfig.from_settings(s, env={})
    assert (cfg.timeout, cfg.first_word_timeout, cfg.style) == want


def test_timing_survives_a_save_and_load(tmp_path):
    save_settings(
        tmp_path, Settings(llm_deadline=5.5, llm_first_word=1.5, llm_judge_accuracy=0.9, llm_judge_calibrated_for="http://x/v1 m")
    )
    s, warning = load_settings(tmp_path)
    assert warning is None and (s.llm_deadline, s.llm_first_word, s.llm_judge_accuracy) == (5.5, 1.5, 0.9)


@pytest.mark.parametrize(
    "name,size,style",
    [
        ("qwen2.5-coder-1.5b-instruct-q4_k_m", 1.5e9, "choose"),
        ("SmolLM2-135M-Instruct.Q4_1", 1.35e8, "choose"),
        ("llama3.1:8b", 8e9, "paraphrase"),
        ("qwen2.5:3b-instruct", 3e9, "paraphrase"),
        ("gpt-4o-mini", None, "paraphrase"),
    ],
)
def test_auto_style_follows_the_model_size(name, size, style):
    assert model_size(name) == size and resolve_style("auto", name) == style
    assert resolve_style("paraphrase", name) == "paraphrase"


def test_only_a_server_on_this_machine_is_sent_the_history_ahead():
    assert is_local("http://127.0.0.1:8765/v1") and is_local("http://localhost:11434/v1")
    assert not is_local("http://gpu-box:8000/v1") and not is_local("https://api.openai.com/v1")


def test_the_built_in_server_uses_every_core_for_generation_and_prompts(tmp_path):
    cmd = LocalServer(tmp_path / "m.gguf", port=1, n_threads=4).command()
    assert cmd[cmd.index("--n_threads") + 1] == "4" and cmd[cmd.index("--n_threads_batch") + 1] == "4"
    default = LocalServer(tmp_path / "m.gguf", port=1)
    assert default.n_threads >= 1 and default.warm_up


def test_the_judge_is_switched_on_only_after_a_passing_calibration(qtbot, tmp_path):
    from trainer.ui.settings_dialog import SettingsDialog

    url = "http://gpu-box:8000/v1"
    dialog = SettingsDialog(None, Settings(llm_base_url=url, llm_model="qwen", llm_judge=True), tmp_path)
    qtbot.addWidget(dialog)
    assert not dialog.llm_judge.isEnabled() and not dialog.llm_judge.isChecked()
    assert "Not calibrated" in dialog.calibration_result.text()
    passed = Settings(
        llm_base_url=url,
        llm_model="qwen",
        llm_judge=True,
        llm_judge_accuracy=0.87,
        llm_judge_calibrated_for=calibrated_for(url, "qwen"),
    )
    dialog = SettingsDialog(None, passed, tmp_path)
    qtbot.addWidget(dialog)
    assert dialog.llm_judge.isEnabled() and dialog.llm_judge.isChecked() and "87%" in dialog.calibration_result.text()
    dialog.llm_model.setText("another-model")  # another model: not calibrated, so not offered
    assert not dialog.llm_judge.isEnabled() and not dialog.llm_judge.isChecked()
    dialog.llm_model.setText("qwen")
    dialog.llm_judge.setChecked(True)
    dialog.deadline.setValue(6.5)
    dialog.first_word.setValue(9.0)
    dialog.accept_if_valid()
    saved = dialog.result_settings
    assert saved.llm_judge and saved.llm_deadline == 6.5 and saved.llm_first_word == 6.5
    assert saved.llm_judge_accuracy == 0.87
