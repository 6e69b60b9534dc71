"""Names, the current and parent process, and the live children."""

from multiprocessing import (
    Event,
    Process,
    active_children,
    current_process,
    parent_process,
)


def worker(stop):
    me, parent = current_process(), parent_process()
    print(f"{me.name} (pid {me.pid}): parent {parent.name} ({parent.pid})")
    stop.wait()  # stay alive until the parent has looked


if __name__ == "__main__":
    me = current_process()
    print(f"{me.name} (pid {me.pid}): parent {parent_process()}")
    stop = Event()
    a = Process(target=worker, args=(stop,), name="worker-a")
    b = Process(target=worker, args=(stop,))  # no name: a default one
    a.start()
    b.start()
    print(f"started {a.name} ({a.pid}) and {b.name} ({b.pid})")
    print(f"active: {sorted(p.name for p in active_children())}")
    stop.set()
    a.join()
    b.join()
    print(f"active after join: {active_children()}")
