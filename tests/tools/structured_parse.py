#!/usr/bin/env python3
"""Print, as one JSON object, what a standard parser reads from a latchkey export.

Usage: structured_parse.py json|yaml|toml FILE
json: Python's json; toml: Python's tomllib; yaml: PyYAML's safe_load, from the test
tool directory ($LATCHKEY_TEST_TOOLS or <repo>/target/test-tools, see install.sh).
"""
import json
import os
import sys
from pathlib import Path

fmt, path = sys.argv[1], Path(sys.argv[2])
tools = Path(os.environ.get("LATCHKEY_TEST_TOOLS") or Path(__file__).resolve().parents[2] / "target" / "test-tools")
sys.path.insert(0, str(tools / "py"))

if fmt == "json":
    data = json.loads(path.read_text(encoding="utf-8"))
elif fmt == "toml":
    import tomllib
    data = tomllib.loads(path.read_text(encoding="utf-8"))
elif fmt == "yaml":
    import yaml
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
else:
    sys.exit(f"unknown format {fmt}")
print(json.dumps(data, ensure_ascii=False))
