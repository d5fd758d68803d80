"""Reading the question bank's YAML files from disk."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from rubric.schema import Bank, RubricError, parse_bank

BANK_DIR = Path(__file__).resolve().parent / "bank"
# libyaml's loader when PyYAML was built with it: the same safe subset, about ten times faster
# (the bank is ~2 MB of YAML; every `bank_sync` reads it).
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
MAX_FILE_BYTES = 512 * 1024


def read_bank_files(directory: Path = BANK_DIR) -> dict[str, Any]:
    """Return `{relative file name: parsed YAML}` for components.yaml, base.yaml, thesaurus.yaml
    and questions/*.yaml."""
    paths = [
        directory / "components.yaml",
        directory / "base.yaml",
        *sorted((directory / "questions").glob("*.yaml")),
        *sorted((directory / "probes").glob("*.yaml")),  # optional follow-ups and curveballs
    ]
    for optional in ("thesaurus.yaml", "scoring.yaml"):  # other ways to say terms; the scale
        if (directory / optional).exists():
            paths.insert(2, directory / optional)
    raw: dict[str, Any] = {}
    for path in paths:
        name = path.relative_to(directory).as_posix()
        if not path.exists():
            raise RubricError(f"{name}: missing file in {directory}")
        if path.stat().st_size > MAX_FILE_BYTES:
            raise RubricError(f"{name}: larger than {MAX_FILE_BYTES} bytes")
        try:
            raw[name] = yaml.load(path.read_text(encoding="utf-8"), Loader=_SAFE_LOADER)  # noqa: S506 - a safe loader
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f"line {mark.line + 1}" if mark else "(unknown line)"
            raise RubricError(
                f"{name}: {where}: not valid YAML ({getattr(exc, 'problem', exc)})"
            ) from None
    return raw


def load_bank(directory: Path = BANK_DIR) -> Bank:
    return parse_bank(read_bank_files(directory))
