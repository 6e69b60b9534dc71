"""A SharedMemory block: created by the parent, attached by name."""

from multiprocessing import Process
from multiprocessing.shared_memory import SharedMemory


def work(name):
    block = SharedMemory(name=name)  # attach to the existing block
    block.buf[:5] = b"howdy"  # write straight into shared memory
    block.close()  # this process is done with it; the block stays


if __name__ == "__main__":
    block = SharedMemory(create=True, size=16)
    print(f"created a block of at least 16 bytes: {block.size >= 16}")
    p = Process(target=work, args=(block.name,))
    p.start()
    p.join()
    print(f"the parent reads: {bytes(block.buf[:5])}")
    block.close()  # every process closes its own handle ...
    block.unlink()  # ... and one process, once, destroys the block
    print("closed and unlinked")
