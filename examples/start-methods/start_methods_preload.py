"""forkserver: import a module once in the server, not in every child."""

import multiprocessing as mp
import os

if __name__ == "__main__":
    from start_methods_preload_helper import work

    print(f"parent is pid {os.getpid()}")
    # Where the server finds the helper: older Pythons do not give it our
    # sys.path (gh-117378), so name this folder in its environment.
    here = os.path.dirname(os.path.abspath(__file__))
    path = os.environ.get("PYTHONPATH")
    os.environ["PYTHONPATH"] = here + (os.pathsep + path if path else "")
    ctx = mp.get_context("forkserver")  # POSIX only
    # Before the server starts: it imports these modules, then forks.
    ctx.set_forkserver_preload(["start_methods_preload_helper"])
    for n in (1, 2, 3):
        p = ctx.Process(target=work, args=(n,))
        p.start()
        p.join()
