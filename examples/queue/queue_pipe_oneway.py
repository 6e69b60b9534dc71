"""A one-way Pipe; EOFError once every copy of the sending end is closed."""

from multiprocessing import Pipe, Process


def produce(conn):
    for i in range(3):
        conn.send(i)
    conn.close()  # closes the child's copy only


if __name__ == "__main__":
    reader, writer = Pipe(duplex=False)  # reader receives, writer sends
    p = Process(target=produce, args=(writer,))
    p.start()
    for _ in range(3):
        print("received", reader.recv())
    p.join()  # the child has exited: its copy of writer is closed
    # Our own copy of writer is still open: no data, and no end of file.
    print("poll(0.5) while we hold writer:", reader.poll(0.5))
    writer.close()  # the last copy: now the reader sees end of file
    print("poll() after writer.close():", reader.poll())
    try:
        reader.recv()
    except EOFError:
        print("recv() raised EOFError")
    try:
        reader.send("hi")
    except OSError as error:
        print("reader.send() raised OSError:", error)
