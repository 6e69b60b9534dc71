"""A task's exception is stored in its Future; result() raises it."""

from concurrent.futures import ProcessPoolExecutor


def divide(a, b):
    return a / b


if __name__ == "__main__":
    with ProcessPoolExecutor(max_workers=2) as executor:
        good = executor.submit(divide, 1, 4)
        bad = executor.submit(divide, 1, 0)
        print(f"good: {good.result()}")
        # exception() waits like result(), and returns the exception.
        print(f"bad.exception(): {bad.exception()!r}")
        try:
            bad.result()  # raises the task's exception in the parent
        except ZeroDivisionError as error:
            print(f"bad.result() raised {error!r}")
            # The cause holds the traceback from the worker, as text.
            print(f"its __cause__ is a {type(error.__cause__).__name__}")
        # The pool is unharmed: it goes on running tasks.
        print(f"after the error: {executor.submit(divide, 9, 3).result()}")
