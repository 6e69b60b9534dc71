"""Code typed at a prompt has no file: spawn's child cannot find f."""

import subprocess
import sys
from pathlib import Path

import rules_interactive_worker

TYPED = """
def f():
    print("f() ran in the child")
"""
FIXED = f"from {rules_interactive_worker.__name__} import f\n"
START = """
import multiprocessing as mp
p = mp.get_context("spawn").Process(target=f)
p.start()
p.join()
print("child exited with", p.exitcode)
"""

if __name__ == "__main__":
    for name, code in [("typed", TYPED), ("fixed", FIXED)]:
        print(f"--- {name}: python -c (no file, as at a prompt)")
        done = subprocess.run(
            [sys.executable, "-c", code + START],
            cwd=Path(__file__).parent,  # where rules_interactive_worker is
            timeout=20,
        )
        print(f"exit status {done.returncode}")
