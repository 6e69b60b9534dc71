"""Under fork a child also inherits the sending end, and must close it."""

from multiprocessing import Event, Pipe, Process


def consume(reader, closed, writer=None):
    if writer is not None:
        writer.close()  # the fix: close this process's copy
    print("child got", repr(reader.recv()))
    closed.wait()  # the parent has closed its copy of writer
    if reader.poll():  # end of file counts as something to read
        try:
            reader.recv()
        except EOFError:
            print("child: recv() raised EOFError")
    else:
        print("child: poll() is False, so recv() would wait for ever")


if __name__ == "__main__":
    for fix in (False, True):
        print("with the fix:" if fix else "without the fix:")
        reader, writer = Pipe(duplex=False)
        closed = Event()
        extra = (writer,) if fix else ()
        p = Process(target=consume, args=(reader, closed, *extra))
        p.start()
        reader.close()  # the parent only sends
        writer.send("data")
        writer.close()
        closed.set()
        p.join()
