"""Print the pinned requirements from pyproject.toml (runtime, plus dev with --dev).

The project is an application, not a library: installing its pins directly avoids an
editable build step on every machine.
"""

import sys
import tomllib
from pathlib import Path

data = tomllib.loads((Path(__file__).resolve().parent.parent / "pyproject.toml").read_text())
requirements = list(data["project"]["dependencies"])
if "--dev" in sys.argv:
    requirements += data["dependency-groups"]["dev"]
print("\n".join(requirements))
