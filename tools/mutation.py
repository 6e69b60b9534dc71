"""Mutation testing of the checker and the cache: ``tox -e mutation``.

mutmut changes ``expect.py`` and ``cache.py`` one small edit at a time
(a mutant) and runs the fast tests that cover the changed function; a
mutant that no test notices survived.  mutmut wants the code under
``src/``, so it runs on a copy of the project in a temporary folder, laid
out that way (its settings are in pyproject.toml, ``[tool.mutmut]``).

Prints the score and every survivor with its diff.  Survivors that
``tests/mutation-survivors.md`` explains (equivalent or harmless) are
marked; the exit status is 1 if any survivor is not explained there.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXPLAINED = ROOT / "tests" / "mutation-survivors.md"
NOT_DETECTED = {"survived", "no tests"}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="mutants at once")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="mp-mutation-") as tmp:
        stage = Path(tmp)
        skip = shutil.ignore_patterns("__pycache__", "_build")
        shutil.copytree(
            ROOT / "docs" / "_ext" / "mpexamples", stage / "src" / "mpexamples", ignore=skip
        )
        shutil.copytree(ROOT / "tests", stage / "tests", ignore=skip)
        shutil.copy(ROOT / "pyproject.toml", stage)
        mutmut = [sys.executable, "-m", "mutmut"]
        subprocess.run([*mutmut, "run", "--max-children", str(args.jobs)], cwd=stage, check=True)
        listing = subprocess.run(
            [*mutmut, "results", "--all", "true"], cwd=stage, capture_output=True, text=True
        ).stdout
        status = dict(re.findall(r"^\s*(\S+): (.+?)\s*$", listing, re.M))
        survivors = sorted(name for name, state in status.items() if state in NOT_DETECTED)
        diffs = {name: show(mutmut, stage, name) for name in survivors}
    return report(status, survivors, diffs)


def show(mutmut: list[str], stage: Path, name: str) -> str:
    """The changed lines of one mutant."""
    diff = subprocess.run([*mutmut, "show", name], cwd=stage, capture_output=True, text=True)
    return "\n".join(
        line for line in diff.stdout.splitlines() if line[:1] in "+-" and line[:3] not in "+++---"
    )


def report(status: dict[str, str], survivors: list[str], diffs: dict[str, str]) -> int:
    counts = Counter(status.values())
    explained = EXPLAINED.read_text(encoding="utf-8") if EXPLAINED.exists() else ""
    unexplained = [name for name in survivors if f"`{short(name)}`" not in explained]
    detected = len(status) - len(survivors)
    counted = len(status) - (len(survivors) - len(unexplained))  # less the equivalent ones
    print(f"\n{len(status)} mutants: " + ", ".join(f"{n} {s}" for s, n in counts.most_common()))
    print(f"score: {detected}/{len(status)} = {detected / max(len(status), 1):.1%} detected; "
          f"{detected / max(counted, 1):.1%} of the {counted} not explained as equivalent "
          f"or harmless in tests/{EXPLAINED.name}")  # fmt: skip
    for name in survivors:
        mark = "explained" if name not in unexplained else "NOT EXPLAINED"
        print(f"\n{short(name)} ({status[name]}, {mark})\n{diffs[name]}")
    return 1 if unexplained else 0


def short(name: str) -> str:
    """``mpexamples.expect.xǁCheckerǁshown__mutmut_8`` -> ``expect.Checker.shown 8``."""
    match = re.fullmatch(r"mpexamples\.(\w+)\.x_?(.+)__mutmut_(\d+)", name)
    if not match:
        return name
    module, function, number = match.groups()
    return f"{module}.{function.strip('ǁ').replace('ǁ', '.')} {number}"


if __name__ == "__main__":
    sys.exit(main())
