"""Run output_buffering.py with its standard output going into a pipe."""

import os
import subprocess
import sys

import output_buffering

SCRIPT = output_buffering.__file__


def run(shown, command, **variables):
    """Run command, its stdout into a pipe; print what came through."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    env.update(variables)
    print(f"$ {shown} | cat")
    piped = subprocess.run(command, stdout=subprocess.PIPE, env=env, text=True)
    print(piped.stdout, end="")


if __name__ == "__main__":
    python = sys.executable
    run("python output_buffering.py", [python, SCRIPT])
    run("python output_buffering.py --flush", [python, SCRIPT, "--flush"])
    run("python -u output_buffering.py", [python, "-u", SCRIPT])
    run(
        "PYTHONUNBUFFERED=1 python output_buffering.py",
        [python, SCRIPT],
        PYTHONUNBUFFERED="1",
    )
