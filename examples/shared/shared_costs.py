"""What one += costs: SharedMemory, Array, Value with lock, Manager."""

import timeit
from multiprocessing import Array, Manager, Value
from multiprocessing.shared_memory import SharedMemory


def cost(statement, n, **names):
    """Microseconds per run of statement: the best of 5 rounds of n."""
    rounds = timeit.repeat(statement, number=n, repeat=5, globals=names)
    return min(rounds) / n * 1e6  # the best round: the least disturbed


if __name__ == "__main__":
    block = SharedMemory(create=True, size=8)
    ints = block.buf.cast("q")  # the block's 8 bytes as one 64-bit int
    array = Array("q", 1, lock=False)
    v = Value("q", 0)
    with Manager() as manager:
        d = manager.dict({0: 0})
        us = {
            "SharedMemory": cost("m[0] += 1", 20_000, m=ints),
            "Array, lock=False": cost("a[0] += 1", 20_000, a=array),
            "Value + get_lock()": cost(
                "with v.get_lock(): v.value += 1", 20_000, v=v
            ),
            "Manager dict": cost("d[0] += 1", 400, d=d),
        }
    ints.release()  # close() fails while a view of the block exists
    block.close()
    block.unlink()
    print(f"{'one += through':<20}{'µs':>8}{'× SharedMemory':>16}")
    for name, t in us.items():
        print(f"{name:<20}{t:>8.3f}{t / us['SharedMemory']:>16.0f}")
    shm, raw, locked, mgr = us.values()
    print(f"Manager dict is the slowest: {mgr > max(shm, raw, locked)}")
    print(f"Manager dict > 10 × SharedMemory: {mgr > 10 * shm}")
    print(f"Value + get_lock() > both unlocked: {locked > max(shm, raw)}")
