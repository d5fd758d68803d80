"""Rubric files: every file loads, and a broken one is reported by file and field."""

from __future__ import annotations

import copy

import pytest

from rubric.bank_files import BANK_DIR, load_bank, read_bank_files
from rubric.schema import RubricError, content_version, parse_bank
from rubric.stages import STAGES

REQUIRED_QUESTIONS = {"ad-click-prediction", "video-recommendation", "fraud-detection"}


def test_every_bank_file_loads_and_validates():
    bank = load_bank()
    assert set(bank.questions) >= REQUIRED_QUESTIONS
    for spec in bank.questions.values():
        assert sum(spec.budgets.values()) == 45, spec.slug
        assert set(spec.guiding_questions) == set(STAGES)
        assert {c.stage for c in spec.criteria} >= set(STAGES), (
            f"{spec.slug} lacks a criterion for some stage"
        )
    kinds = {c.kind for c in bank.base}
    assert {"concept", "quantitative", "tradeoff"} <= kinds


def test_the_version_is_a_content_hash():
    raw = read_bank_files()
    assert content_version(raw) == load_bank().version
    changed = copy.deepcopy(raw)
    changed["base.yaml"]["criteria"][0]["title"] += " (edited)"
    assert content_version(changed) != content_version(raw)


def _broken(mutate) -> str:
    raw = copy.deepcopy(read_bank_files())
    mutate(raw)
    with pytest.raises(RubricError) as error:
        parse_bank(raw)
    return str(error.value)


def test_a_bad_kind_names_the_file_and_the_field():
    message = _broken(
        lambda raw: raw["questions/fraud-detection.yaml"]["criteria"][1].update(kind="vibes")
    )
    assert message.startswith("questions/fraud-detection.yaml: criteria[1].kind:")
    assert "'vibes' is not one of" in message


def test_min_concepts_above_the_number_of_groups_is_refused():
    def mutate(raw):
        raw["base.yaml"]["criteria"][0]["min_concepts"] = 99

    assert "base.yaml: criteria[0].min_concepts: expected a whole number from 1 to" in _broken(
        mutate
    )


def test_a_missing_stage_in_guiding_questions_is_refused():
    def mutate(raw):
        del raw["questions/ad-click-prediction.yaml"]["guiding_questions"]["online"]

    assert "questions/ad-click-prediction.yaml: guiding_questions.online" in _broken(mutate)


def test_a_duplicate_criterion_id_is_refused():
    def mutate(raw):
        criteria = raw["questions/video-recommendation.yaml"]["criteria"]
        criteria[1]["id"] = criteria[0]["id"]

    assert "duplicate id" in _broken(mutate)


def test_a_slug_must_match_its_file_name():
    def mutate(raw):
        raw["questions/video-recommendation.yaml"]["slug"] = "something-else"

    assert "must match the file name" in _broken(mutate)


def test_malformed_yaml_names_the_file_and_line(tmp_path):
    (tmp_path / "questions").mkdir()
    for name in ("base.yaml", "components.yaml"):
        (tmp_path / name).write_text((BANK_DIR / name).read_text())
    (tmp_path / "questions" / "broken.yaml").write_text("slug: broken\ntitle: [unclosed\n")
    with pytest.raises(RubricError, match=r"^questions/broken.yaml: line \d+: not valid YAML"):
        load_bank(tmp_path)


def test_probes_and_curveballs_are_validated(tmp_path):
    import shutil

    bank_dir = tmp_path / "bank"
    shutil.copytree(BANK_DIR, bank_dir)
    shutil.rmtree(bank_dir / "probes", ignore_errors=True)
    (bank_dir / "probes").mkdir()
    probes = bank_dir / "probes" / "fraud-detection.yaml"
    probes.write_text(
        "slug: fraud-detection\n"
        "curveball: {at_minute: 25, change: 'Regulators want every block explained.', strong_response: 'Adds reason codes.'}\n"
        "probes:\n  chargeback-label-delay: ['How do you train on labels that arrive weeks late?']\n"
    )
    spec = load_bank(bank_dir).questions["fraud-detection"]
    assert spec.curveball.at_minute == 25
    assert next(c for c in spec.criteria if c.id == "chargeback-label-delay").probes
    probes.write_text("slug: fraud-detection\nprobes:\n  no-such-criterion: ['?']\n")
    with pytest.raises(RubricError, match="probes/fraud-detection.yaml: probes.no-such-criterion"):
        load_bank(bank_dir)


NEW_QUESTIONS = {
    "email-spam-filtering", "push-notifications", "smart-compose", "llm-chatbot", "machine-translation",
    "image-captioning", "text-to-image", "bot-detection", "dynamic-pricing", "demand-forecasting",
    "local-business-search", "music-playlist", "job-recommendation",
}  # fmt: skip


def test_thirty_questions_each_with_a_curveball_and_probes_for_every_criterion():
    bank = load_bank()
    assert len(bank.questions) >= 30 and set(bank.questions) >= NEW_QUESTIONS
    assert all(1 <= len(c.probes) <= 2 for c in bank.base), "every base criterion has probes"
    for spec in bank.questions.values():
        assert spec.curveball is not None and 5 <= spec.curveball.at_minute <= 40, spec.slug
        assert 9 <= len(spec.criteria) <= 12, spec.slug
        assert sum(c.kind == "diagram" for c in spec.criteria) == 1, spec.slug
        unprobed = [c.id for c in spec.criteria if not 1 <= len(c.probes) <= 2]
        assert not unprobed, (spec.slug, unprobed)
