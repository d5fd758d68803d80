"""Run every benchmark in turn and print their numbers (`make bench`)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

SCRIPTS = ("grading_engine.py", "diagram_read.py", "submit_to_grade.py", "autosave_load.py",
           "whiteboard_save.py", "whiteboard_load.py", "progress_dashboard.py", "live_sessions.py",
           "live_typing.py", "preview_and_compare.py", "criterion_examples.py", "follow_ups.py")  # fmt: skip
for script in SCRIPTS:
    print(f"== {script}", flush=True)
    subprocess.run([sys.executable, script], cwd=HERE, check=True)
