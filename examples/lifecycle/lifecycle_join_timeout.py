"""join(timeout) returns after the timeout; is_alive() says who won."""

from multiprocessing import Event, Process


def worker(go):
    go.wait()  # stays alive until the parent sets the event


if __name__ == "__main__":
    go = Event()
    p = Process(target=worker, args=(go,))
    print(f"not started: alive={p.is_alive()}, exitcode={p.exitcode}")
    p.start()
    r = p.join(timeout=0.5)  # the child is still waiting: times out
    print(f"join(0.5) -> {r}: alive={p.is_alive()}, exitcode={p.exitcode}")
    go.set()
    r = p.join()  # no timeout: waits until the child has ended
    print(f"join()    -> {r}: alive={p.is_alive()}, exitcode={p.exitcode}")
