"""A process takes an RLock again while holding it; a Lock refuses."""

from multiprocessing import Lock, Process, RLock


def nested(lock, depth=1):
    """Acquire the lock, then call itself to acquire it once more."""
    if not lock.acquire(timeout=0.5):
        print(f"  depth {depth}: not acquired within 0.5 s")
        return
    try:
        print(f"  depth {depth}: acquired")
        if depth < 3:
            nested(lock, depth + 1)
    finally:
        lock.release()


if __name__ == "__main__":
    for name, lock in (("RLock", RLock()), ("Lock", Lock())):
        print(f"{name}:")
        p = Process(target=nested, args=(lock,))
        p.start()
        p.join()
