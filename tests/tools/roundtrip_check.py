#!/usr/bin/env python3
"""Check the .env / bash export encodings of DOTENV-SEMANTICS.md against the
real parsers: python-dotenv, dotenvx (through dotenv_parse.py and
dotenvx_parse.mjs beside this file) and bash `source`.

Usage: roundtrip_check.py [--fuzz N] [--seed S] [--verbose]

Needs the tools of tests/tools/install.sh ($LATCHKEY_TEST_TOOLS, default
<repo>/target/test-tools), python3, node and bash.  Exits non-zero when an
encoding the rule calls safe does not round-trip, or when a value the rule
calls unrepresentable does round-trip through some candidate encoding in
both parsers (i.e. the rule is wrong), except for the documented
conservative corners (CR / backslash / `$` mixes), which are only counted.

Parts:
  1. curated tricky values: each written alone and all together in one file,
     parsed by both dotenv parsers and by bash;
  2. the curated values the rule rejects: every candidate encoding is tried
     and shown to fail in python-dotenv or dotenvx;
  3. random strings over an alphabet of troublesome characters (fixed seed).
"""
import argparse
import json
import os
import random
import re
import subprocess
import sys
import tempfile
from typing import Dict, List, Optional

HERE = os.path.dirname(os.path.abspath(__file__))

# --------------------------------------------------------------------------
# The rule under test (keep in sync with DOTENV-SEMANTICS.md).

# python-dotenv (interpolate=True) expands this in every quoting style and
# has no escape for it: a value containing a match cannot be written.
PY_VAR_RE = re.compile(r"\$\{[^}:]*(?::-[^}]*)?\}")


def bad_backslash(v: str) -> bool:
    """A backslash that single quotes cannot carry for both parsers:
    python-dotenv decodes \\\\ and \\' inside '...', dotenvx decodes only \\'."""
    return "\\\\" in v or "\\'" in v or v.endswith("\\")


def unquoted_ok(v: str) -> bool:
    return (
        v != ""
        and not any(c in v for c in "\n\r#$")
        and v[0] not in "'\"`"
        and v == v.strip()
        and v.strip("\ufeff\u2028\u2029") == v
    )


def encode_dotenv(v: str) -> Optional[str]:
    """The right-hand side of NAME=... that both python-dotenv and dotenvx
    read back as exactly v, or None when there is none."""
    if "\x00" in v or PY_VAR_RE.search(v):
        return None
    if "\r" in v:
        # A raw CR is turned into LF by both readers: only "\r" in double
        # quotes survives.  Double quotes are safe only without " \ and $.
        if any(c in v for c in '"\\$'):
            return None
        return '"' + v.replace("\r", "\\r").replace("\n", "\\n") + '"'
    if not bad_backslash(v):
        return "'" + v.replace("'", "\\'") + "'"
    if unquoted_ok(v):
        return v
    return None


def encode_bash(v: str) -> Optional[str]:
    if "\x00" in v:
        return None
    return "'" + v.replace("'", "'\\''") + "'"


# Other encodings an exporter might try; used to show that a value the rule
# rejects really has no encoding that both parsers accept.
def candidates(v: str) -> Dict[str, str]:
    esc_py = (v.replace("\\", "\\\\").replace('"', '\\"')
              .replace("\n", "\\n").replace("\r", "\\r"))
    return {
        "single, ' as \\'": "'" + v.replace("'", "\\'") + "'",
        "single, \\ and ' escaped (python set_key)":
            "'" + v.replace("\\", "\\\\").replace("'", "\\'") + "'",
        "double, \\ \" LF CR escaped": '"' + esc_py + '"',
        "double, \\ \" LF CR $ escaped": '"' + esc_py.replace("$", "\\$") + '"',
        "double, only CR LF escaped":
            '"' + v.replace("\r", "\\r").replace("\n", "\\n") + '"',
        "double, raw": '"' + v + '"',
        "unquoted": v,
        "backticks": "`" + v + "`",
    }


# --------------------------------------------------------------------------
# Curated values: (label, value).

TRICKY = [
    ("plain", "hunter2"),
    ("empty", ""),
    ("single quote", "it's"),
    ("double quote", 'say "hi"'),
    ("both quotes", "it's \"x\""),
    ("newline", "line1\nline2"),
    ("trailing newline", "pem\n"),
    ("PEM block", "-----BEGIN KEY-----\nMIIB+/=\n-----END KEY-----\n"),
    ("dollar var", "$HOME"),
    ("dollar brace", "${HOME}"),
    ("dollar brace default", "${X:-def}"),
    ("dollar brace + quote", "it's ${X}"),
    ("escaped dollar", "\\$X"),
    ("double dollar", "a$$b"),
    ("command subst", "$(echo pwned)"),
    ("lone dollar", "cost: 5$"),
    ("dollar brace unclosed", "${X"),
    ("dollar brace colon", "${a:b}"),
    ("backslash", "C:\\path\\to"),
    ("backslash n", "a\\nb"),
    ("double backslash", "a\\\\b"),
    ("trailing backslash", "ends\\"),
    ("backslash quote", "a\\'b"),
    ("backslash + dollar brace", "\\${X}"),
    ("equals", "a=b=c"),
    ("hash", "a#b"),
    ("space hash", "a #b"),
    ("leading/trailing spaces", "  padded  "),
    ("tab", "a\tb"),
    ("unicode", "héllo ✓ 😀 日本"),
    ("json", '{"k": "v", "n": [1, 2]}'),
    ("backtick", "`whoami`"),
    ("carriage return", "a\rb"),
    ("CRLF", "a\r\nb"),
    ("CR + dollar", "a\r$b"),
    ("unicode line sep", "a\u2028b"),
    ("NBSP edges", "\u00a0x\u00a0"),
    ("encrypted: prefix", "encrypted:abc"),
    ("export-like", "export X=1"),
    ("everything", "it's \"x\" $Y !! #c =\n\t é\\ "),
]

FUZZ_ALPHABET = list("'\"\n\r$\\{}()=# \tA:-`") + ["é", "😀", "\u2028", "\u00a0"]


# --------------------------------------------------------------------------
# Parser plumbing.

def tools_env() -> Dict[str, str]:
    env = dict(os.environ)
    # Names used in the values above must not resolve to something that
    # happens to equal the literal text.
    for k in ("A", "X", "Y", "a"):
        env.pop(k, None)
    return env


def run_parser(cmd: List[str], files: List[str]) -> List[object]:
    out: List[object] = []
    # Chunk to stay far below ARG_MAX.
    for i in range(0, len(files), 500):
        chunk = files[i:i + 500]
        p = subprocess.run(cmd + chunk, capture_output=True, text=True,
                           encoding="utf-8", env=tools_env())
        if p.returncode != 0:
            sys.exit(f"{cmd[-1]} failed ({p.returncode}): {p.stderr.strip()}")
        lines = p.stdout.split("\n")
        if lines and lines[-1] == "":
            lines.pop()
        if len(lines) != len(chunk):
            sys.exit(f"{cmd[-1]}: expected {len(chunk)} lines, got {len(lines)}")
        out.extend(json.loads(line) for line in lines)
    return out


def parse_py(files: List[str]) -> List[dict]:
    return run_parser([sys.executable, os.path.join(HERE, "dotenv_parse.py")], files)


def parse_dx(files: List[str]) -> List[dict]:
    return run_parser(["node", os.path.join(HERE, "dotenvx_parse.mjs")], files)


def parse_bash(path: str, names: List[str]) -> List[Optional[str]]:
    script = ('set -e; source "$1"; shift; '
              'for n in "$@"; do if [ -n "${!n+set}" ]; then printf "S%s\\0" "${!n}"; '
              'else printf "U\\0"; fi; done')
    p = subprocess.run(["bash", "-c", script, "bash", path] + names,
                       capture_output=True, env={"PATH": os.environ.get("PATH", "")})
    if p.returncode != 0:
        return [None] * len(names)
    parts = p.stdout.split(b"\0")[:-1]
    return [x[1:].decode("utf-8") if x[:1] == b"S" else None for x in parts]


def write(path: str, text: str) -> None:
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(text)


def show(v: str, width: int = 34) -> str:
    r = json.dumps(v, ensure_ascii=False)
    return r if len(r) <= width else r[: width - 1] + "…"


# --------------------------------------------------------------------------

def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--fuzz", type=int, default=3000, help="random values (0: none)")
    ap.add_argument("--seed", type=int, default=20240601)
    ap.add_argument("--verbose", action="store_true")
    args = ap.parse_args()

    tmp = tempfile.mkdtemp(prefix="latchkey-dotenv-")
    failures = 0

    # ---- 1. curated values --------------------------------------------------
    print("== 1. curated values: rule encoding, each file alone ==")
    print(f"{'#':>2} {'label':<26} {'value':<34} {'encoded':<38} py  dx  bash")
    files, encs = [], []
    for i, (label, v) in enumerate(TRICKY):
        enc = encode_dotenv(v)
        encs.append(enc)
        path = os.path.join(tmp, f"t{i:02}.env")
        write(path, f"V={enc}\n" if enc is not None else "")
        files.append(path)
    py, dx = parse_py(files), parse_dx(files)

    combined = os.path.join(tmp, "all.env")
    write(combined, "".join(f"V{i:02}={e}\n" for i, e in enumerate(encs) if e is not None))
    cpy, cdx = parse_py([combined])[0], parse_dx([combined])[0]

    bash_file = os.path.join(tmp, "all.sh")
    names = [f"V{i:02}" for i in range(len(TRICKY))]
    write(bash_file, "".join(f"export {n}={encode_bash(v)}\n" for n, (_, v) in zip(names, TRICKY)))
    bash_vals = parse_bash(bash_file, names)

    for i, (label, v) in enumerate(TRICKY):
        enc = encs[i]
        bash_ok = bash_vals[i] == v
        if not bash_ok:
            failures += 1
        if enc is None:
            print(f"{i:>2} {label:<26} {show(v):<34} {'(unrepresentable)':<38} --  --  "
                  f"{'ok' if bash_ok else 'FAIL'}")
            continue
        ok_py = py[i].get("V") == v and cpy.get(f"V{i:02}") == v
        ok_dx = dx[i].get("V") == v and cdx.get(f"V{i:02}") == v
        if not (ok_py and ok_dx):
            failures += 1
        print(f"{i:>2} {label:<26} {show(v):<34} {show(enc, 38):<38} "
              f"{'ok' if ok_py else 'FAIL':<3} {'ok' if ok_dx else 'FAIL':<3} "
              f"{'ok' if bash_ok else 'FAIL'}")
        if args.verbose or not (ok_py and ok_dx):
            print(f"     py={show(str(py[i].get('V')), 60)} dx={show(str(dx[i].get('V')), 60)}")

    # ---- 2. rejected curated values: no candidate works ----------------------
    print("\n== 2. values the rule rejects: every candidate encoding fails somewhere ==")
    rejected = [(label, v) for (label, v), e in zip(TRICKY, encs) if e is None]
    cfiles, cmeta = [], []
    for j, (label, v) in enumerate(rejected):
        for k, (cname, cenc) in enumerate(candidates(v).items()):
            path = os.path.join(tmp, f"r{j:02}_{k}.env")
            write(path, f"V={cenc}\n")
            cfiles.append(path)
            cmeta.append((label, v, cname, cenc))
    rpy, rdx = parse_py(cfiles), parse_dx(cfiles)
    by_value: Dict[str, List[str]] = {}
    for (label, v, cname, cenc), a, b in zip(cmeta, rpy, rdx):
        pa, pb = a.get("V") == v, b.get("V") == v
        by_value.setdefault(label, []).append(
            f"{cname}: py {'ok' if pa else 'x'} / dx {'ok' if pb else 'x'}")
        if pa and pb:
            failures += 1
            print(f"  RULE TOO STRICT: {label} {show(v)} round-trips as {show(cenc)} ({cname})")
    for label, v in rejected:
        print(f"  {label} {show(v)}")
        for line in by_value[label]:
            print(f"      {line}")

    # ---- 3. fuzz -------------------------------------------------------------
    if args.fuzz:
        print(f"\n== 3. fuzz: {args.fuzz} random values, seed {args.seed} ==")
        rng = random.Random(args.seed)
        values = []
        seen = set()
        while len(values) < args.fuzz:
            v = "".join(rng.choice(FUZZ_ALPHABET) for _ in range(rng.randint(0, 7)))
            if v not in seen:
                seen.add(v)
                values.append(v)
        ffiles, fenc = [], []
        for i, v in enumerate(values):
            enc = encode_dotenv(v)
            fenc.append(enc)
            if enc is not None:
                path = os.path.join(tmp, f"f{i:05}.env")
                write(path, f"V={enc}\n")
                ffiles.append((i, path))
        fpy = parse_py([p for _, p in ffiles])
        fdx = parse_dx([p for _, p in ffiles])
        accepted_fail = 0
        for (i, _), a, b in zip(ffiles, fpy, fdx):
            if a.get("V") != values[i] or b.get("V") != values[i]:
                accepted_fail += 1
                failures += 1
                print(f"  FAIL {show(values[i])} as {show(fenc[i])}: "
                      f"py={show(str(a.get('V')))} dx={show(str(b.get('V')))}")
        # All accepted values in one file too.
        allf = os.path.join(tmp, "fuzz_all.env")
        write(allf, "".join(f"F{i:05}={fenc[i]}\n" for i, _ in ffiles))
        apy, adx = parse_py([allf])[0], parse_dx([allf])[0]
        combined_fail = sum(1 for i, _ in ffiles
                            if apy.get(f"F{i:05}") != values[i] or adx.get(f"F{i:05}") != values[i])
        failures += combined_fail

        # Rejected ones: does some candidate work after all?
        rej = [i for i, e in enumerate(fenc) if e is None]
        rfiles, rmeta = [], []
        for i in rej:
            for cname, cenc in candidates(values[i]).items():
                path = os.path.join(tmp, f"g{i:05}_{len(rfiles)}.env")
                write(path, f"V={cenc}\n")
                rfiles.append(path)
                rmeta.append((i, cname, cenc))
        gpy, gdx = parse_py(rfiles), parse_dx(rfiles)
        strict: Dict[int, str] = {}
        for (i, cname, cenc), a, b in zip(rmeta, gpy, gdx):
            if a.get("V") == values[i] and b.get("V") == values[i]:
                strict.setdefault(i, cname)
        conservative = 0
        for i, cname in strict.items():
            v = values[i]
            # Documented conservative corners: CR values with " \ or $, and
            # bad-backslash values whose unquoted form has a harmless $ or #.
            if "\r" in v or bad_backslash(v):
                conservative += 1
                if args.verbose:
                    print(f"  conservative: {show(v)} works as {cname}")
            else:
                failures += 1
                print(f"  RULE TOO STRICT: {show(v)} works as {cname}")

        # bash: every NUL-free value.
        bfile = os.path.join(tmp, "fuzz.sh")
        bnames = [f"F{i:05}" for i in range(len(values))]
        write(bfile, "".join(f"export {n}={encode_bash(v)}\n" for n, v in zip(bnames, values)))
        bvals = parse_bash(bfile, bnames)
        bash_fail = sum(1 for a, v in zip(bvals, values) if a != v)
        failures += bash_fail

        print(f"  accepted by rule: {len(ffiles)}; failed alone: {accepted_fail}; "
              f"failed in one combined file: {combined_fail}")
        print(f"  rejected by rule: {len(rej)}; of which some candidate works in both: "
              f"{len(strict)} ({conservative} in the documented conservative corners)")
        print(f"  bash export NAME='...' ('\\'' trick): {len(values) - bash_fail}/{len(values)} ok")

    print(f"\n{'PASS' if failures == 0 else 'FAIL'}: {failures} problem(s)")
    return 0 if failures == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
