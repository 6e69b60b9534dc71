"""Which start methods this platform has, and which one is the default."""

import multiprocessing as mp
import platform
import sys

if __name__ == "__main__":
    version = f"{sys.version_info.major}.{sys.version_info.minor}"
    print(f"Python {version} on {platform.system()}")
    print(f"available: {mp.get_all_start_methods()}")
    print(f"chosen so far: {mp.get_start_method(allow_none=True)}")
    print(f"default: {mp.get_start_method()}")  # fixes the default
