"""close() releases a finished Process object; most uses after it fail."""

from multiprocessing import Event, Process


def worker(go):
    go.wait()


if __name__ == "__main__":
    go = Event()
    p = Process(target=worker, args=(go,), name="worker")
    p.start()
    try:
        p.close()  # too early: the child is still running
    except ValueError as error:
        print(f"close() while running: ValueError: {error}")
    go.set()
    p.join()
    p.close()  # the child has ended: releases its resources
    p.close()  # a second close() does nothing
    print(f"closed; p.name is still {p.name!r}")
    uses = {
        "p.is_alive()": lambda: p.is_alive(),
        "p.exitcode": lambda: p.exitcode,
        "p.join()": lambda: p.join(),
    }
    for text, use in uses.items():
        try:
            use()
        except ValueError as error:
            print(f"{text}: ValueError: {error}")
