"""multiprocessing's own log records, sent to stderr by log_to_stderr()."""

import logging
import multiprocessing


def work():
    logger = multiprocessing.get_logger()
    logger.info("working")
    logger.debug("a detail, below the level set")


if __name__ == "__main__":
    multiprocessing.log_to_stderr(logging.INFO)
    p = multiprocessing.Process(target=work)
    p.start()
    p.join()
    print(f"exit code: {p.exitcode}")
