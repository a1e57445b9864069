#!/usr/bin/env python3
"""Print, as JSON, what the icalendar package (a strict RFC 5545 parser) reads from FILE:
one object per event with its uid, summary, start date, and alarm triggers.

Usage: ics_parse.py FILE   (icalendar from $LATCHKEY_TEST_TOOLS/py, see install.sh)
"""
import json
import os
import sys
from pathlib import Path

tools = Path(os.environ.get("LATCHKEY_TEST_TOOLS") or Path(__file__).resolve().parents[2] / "target" / "test-tools")
sys.path.insert(0, str(tools / "py"))
import icalendar  # noqa: E402

raw = Path(sys.argv[1]).read_bytes()
assert b"\r\n" in raw and b"\n" not in raw.replace(b"\r\n", b""), "lines must end in CRLF"
assert all(len(line) <= 75 for line in raw.split(b"\r\n")), "lines must be folded at 75 octets"
cal = icalendar.Calendar.from_ical(raw)
assert cal.get("VERSION") == "2.0" and cal.get("PRODID"), "VERSION and PRODID are required"
events = []
for ev in cal.walk("VEVENT"):
    for required in ("UID", "DTSTAMP", "DTSTART"):
        assert ev.get(required) is not None, f"{required} is required"
    events.append({
        "uid": str(ev.get("UID")),
        "summary": str(ev.get("SUMMARY")),
        "start": ev.decoded("DTSTART").isoformat(),
        "alarms": [str(a.decoded("TRIGGER")) for a in ev.walk("VALARM")],
    })
print(json.dumps(events))
