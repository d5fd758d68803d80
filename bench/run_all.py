"""Run every benchmark in turn and print their numbers (`make bench`)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

for script in ("grading_engine.py", "submit_to_grade.py", "autosave_load.py"):
    print(f"== {script}", flush=True)
    subprocess.run([sys.executable, script], cwd=HERE, check=True)
