"""Assemble the second held-out set from its blind authors' files.

    .venv/bin/python tests/data/heldout2/assemble.py [SOURCE_DIR]

SOURCE_DIR (default: source/ here, with the authors' brief, BRIEF.md) holds each author's `<name>.jsonl` (answers with levels) and `<name>-boards.txt`
(their boards, in the notation of tests/data/boards_dev/render.py). Each answer gets its board
rendered into an Excalidraw scene, and the set is written one file per question next to this
script. The authors saw only the prompts and a description of the levels; nothing here is ever
tuned on (see README, "How well it agrees with interviewers").
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "boards_dev"))

from render import parse, render  # noqa: E402


def main(source: Path) -> None:
    rows: list[dict] = []
    boards: dict[str, dict] = {}
    for answers in sorted(source.glob("*.jsonl")):
        rows += [json.loads(line) for line in answers.open(encoding="utf-8") if line.strip()]
        drawn = answers.with_name(answers.stem + "-boards.txt")
        if drawn.exists():
            boards |= {b["id"]: b for b in parse(drawn.read_text(encoding="utf-8"))}
    by_question: dict[str, list[dict]] = {}
    for row in rows:
        board = boards.get(row["id"])
        row["whiteboard"] = render(board) if board else None
        by_question.setdefault(row["question"], []).append(row)
    for question, answers in sorted(by_question.items()):
        with open(HERE / f"{question}.jsonl", "w", encoding="utf-8") as out:
            for row in answers:
                out.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"{len(rows)} answers ({sum(1 for r in rows if r['whiteboard'])} with boards) "
          f"for {len(by_question)} questions")  # fmt: skip


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE / "source")
