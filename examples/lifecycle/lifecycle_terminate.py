"""terminate() and kill() stop a child at once: its finally never runs."""

import time
from multiprocessing import Event, Process


def worker(name, ready):
    try:
        print(f"{name}: in the try block")
        ready.set()  # tell the parent we are inside the try block
        time.sleep(10)  # the parent stops us long before this ends
        print(f"{name}: done sleeping")
    finally:
        print(f"{name}: finally block, cleaning up")


def start_worker(name):
    """Start a worker; return once it is inside its try block."""
    ready = Event()
    p = Process(target=worker, args=(name, ready))
    p.start()
    ready.wait()
    return p


if __name__ == "__main__":
    p = start_worker("terminate")
    p.terminate()
    p.join()
    print(f"after terminate(): exitcode {p.exitcode}")

    p = start_worker("kill")
    p.kill()
    p.join()
    print(f"after kill(): exitcode {p.exitcode}")
