#!/usr/bin/env python3
"""Print, as a JSON object, what python-dotenv's dotenv_values(FILE) returns.

Usage: dotenv_parse.py FILE [FILE...]   (one JSON object per line, per FILE)

python-dotenv is imported from the test-tool directory installed by
tests/tools/install.sh: $LATCHKEY_TEST_TOOLS/py, default
<repo>/target/test-tools/py.  A bare `KEY` line (value None) prints as null.
Interpolation uses python-dotenv's defaults (interpolate=True, the file's own
values win over os.environ when resolving ${VAR}).
"""
import json
import os
import sys

sys.stdout.reconfigure(encoding="utf-8")

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
TOOLS = os.environ.get("LATCHKEY_TEST_TOOLS") or os.path.join(REPO, "target", "test-tools")
PY = os.path.join(os.path.abspath(TOOLS), "py")

if not os.path.isdir(os.path.join(PY, "dotenv")):
    sys.exit(f"python-dotenv not found in {PY}; run tests/tools/install.sh first")
sys.path.insert(0, PY)

import dotenv  # noqa: E402

if not os.path.abspath(dotenv.__file__).startswith(PY + os.sep):
    sys.exit(f"imported python-dotenv from {dotenv.__file__}, expected it under {PY}")


def main() -> None:
    if len(sys.argv) < 2:
        sys.exit("usage: dotenv_parse.py FILE [FILE...]")
    for path in sys.argv[1:]:
        values = dotenv.dotenv_values(path)
        sys.stdout.write(json.dumps(dict(values), ensure_ascii=False))
        sys.stdout.write("\n")


if __name__ == "__main__":
    main()
