#!/usr/bin/env python3
"""The corpus of crates/cli/benches/sweep.sh: stored values, a tree of generated agent
transcripts with those values planted in it, and the check of `latchkey scan --json`.

  sweep_corpus.py values [N]                 N API-key-like values, one a line (default 50)
  sweep_corpus.py tree VALUES DIR PLANTED    writes DIR (SWEEP_BYTES, default 1 GiB, of JSONL
                                             in ~16 MiB files) and PLANTED (json); VAR_i is
                                             line i of VALUES
  sweep_corpus.py verify VALUES PLANTED [--all]
                                             checks the generator: the planted lines (every
                                             line with --all) are JSON, each planting decodes
                                             back to its value
  sweep_corpus.py check PLANTED SCAN_JSON    every planting found by `latchkey scan --json`

Deterministic for a given SWEEP_SEED (default 1). Standard library only.
"""
import array
import base64
import itertools
import json
import os
import random
import sys
import time
from urllib.parse import quote

MIB = 1 << 20
FILE_BYTES = 16 * MIB
FORMS = ("literal", "base64", "base64url", "percent", "json", "hex")

B62 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
B64URL = B62 + "-_"
PASSWORD = B62 + "/+=&!#*@%^~.-_"


# ---------------------------------------------------------------- values

def make_values(rng, n):
    def s(alphabet, k):
        return "".join(rng.choices(alphabet, k=k))

    shapes = [
        (8, lambda: "sk-proj-" + s(B64URL, rng.randint(34, 50))),
        (6, lambda: rng.choice(["ghp_", "gho_", "ghs_"]) + s(B62, 36)),
        (5, lambda: "sk-ant-api03-" + s(B64URL, rng.randint(30, 45))),
        # AWS secret access keys: 40 characters of the standard base64 alphabet.
        (5, lambda: s(B62, 12) + rng.choice("/+") + s(B62 + "/+", 27)),
        (5, lambda: rng.choice(["sk_live_", "rk_live_"]) + s(B62, rng.randint(32, 50))),
        (4, lambda: "xoxb-%d-%d-%s" % (rng.randint(10**11, 10**12 - 1),
                                       rng.randint(10**12, 10**13 - 1), s(B62, 24))),
        (4, lambda: "npm_" + s(B62, 36)),
        (7, lambda: s(B62, rng.randint(40, 60))),
        # Passwords: at least one of / + = & in each.
        (6, lambda: s(PASSWORD, 10) + "".join(rng.sample("/+=&", 2)) + s(PASSWORD, rng.randint(28, 46))),
    ]
    makers = [make for count, make in shapes for _ in range(count)]
    while len(makers) < n:
        makers.append(shapes[7][1])
    values = []
    for make in makers[:n]:
        while True:
            v = make()
            assert 40 <= len(v) <= 60 and '"' not in v and "\\" not in v, v
            if not any(v in w or w in v for w in values):
                break
        values.append(v)
    return values


# ---------------------------------------------------------------- filler text

COMMON = """the of and to a in is it you that was for on are with as this be at have
from or had by not but what some we can out other were all there when up use your how
said an each which do their time if will way about many then them write would like so
these long make thing see two has look more day could go come did number no most people
my over know than call first who may down side been now find any new work part take get
place made live where after back little only round year came show every good me give our
under name very through just form sentence great think say help low line differ turn
cause much mean before move right boy old too same tell does set three want well also
play small end put home read hand port large spell add even land here must big high such
follow act why ask men change went light kind off need house picture try us again point
should because while still between never last let keep under start might story far
""".split()

TECH = """file function test error build crate module vault secret value config run command
output check update fix remove path directory process thread lock cache buffer stream
request response server client token key environment variable default project session
parse serialize decode encode bytes string struct enum trait impl async await future
result option unwrap match return branch commit diff patch merge rebase review issue
install package dependency version release debug trace warn info log handler router
middleware database query index schema migration table column row transaction timeout
retry backoff socket port address header body payload json yaml toml schema field type
generic lifetime borrow reference pointer slice vector map hash set iterator closure
macro attribute feature flag platform linux macos windows terminal shell stdin stdout
stderr exit status signal child spawn pipe file descriptor permission sandbox broker
keychain identity recipient encrypt decrypt cipher nonce digest signature certificate
""".split()


def pseudo_words(rng, n):
    onsets = ["", "b", "c", "d", "f", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t",
              "v", "w", "st", "tr", "pl", "gr", "ch", "sh", "th", "br", "cl", "sp"]
    vowels = ["a", "e", "i", "o", "u", "ea", "ou", "ai", "io", "y"]
    codas = ["", "", "n", "r", "s", "t", "l", "nd", "ck", "ng", "st", "m", "x"]
    out, seen = [], set()
    while len(out) < n:
        w = "".join(rng.choice(onsets) + rng.choice(vowels) + rng.choice(codas)
                    for _ in range(rng.randint(1, 3)))
        if len(w) > 2 and w not in seen:
            seen.add(w)
            out.append(w)
    return out


def zipf_table(rng, words, punct):
    """65,536 slots, word r taking a share ~ 1/(r+3), so 16 random bits pick a word with a
    Zipf-like frequency. `punct`: also put some words with a comma or a full stop."""
    weights = [1.0 / (r + 3) for r in range(len(words))]
    scale = 65536 / sum(weights)
    table = []
    for w, wt in zip(words, weights):
        table.extend([w] * max(1, round(wt * scale)))
    table = table[:65536]
    while len(table) < 65536:
        table.append(rng.choice(words))
    if punct:
        for i in range(len(table)):
            x = rng.random()
            if x < 0.06:
                table[i] += ","
            elif x < 0.11:
                table[i] += "."
    rng.shuffle(table)
    return table


class Text:
    """Fast filler: 16-bit random indexes into precomputed tables, joined in C."""

    def __init__(self, rng):
        self.rng = rng
        self.rb = rng.randbytes
        self.rnd = rng.random
        self.buf, self.pos = "", 0
        words = COMMON + TECH + pseudo_words(rng, 6000)
        self.words = zipf_table(rng, words, punct=True)
        parts = TECH + pseudo_words(rng, 300)
        idents = set()
        while len(idents) < 4000:
            a, b = rng.choice(parts), rng.choice(parts)
            idents.add(rng.choice([a, f"{a}_{b}", a + b.capitalize(), f"{a}_{b}_{rng.choice(parts)}"]))
        self.idents = zipf_table(rng, sorted(idents), punct=False)
        self.modules = [f"latchkey_{rng.choice(TECH)}::{rng.choice(TECH)}" for _ in range(40)]
        self.hosts = ["api.github.com", "api.openai.com", "api.anthropic.com", "registry.npmjs.org",
                      "pypi.org", "crates.io", "docs.rs", "hooks.slack.com", "s3.amazonaws.com",
                      "storage.googleapis.com", "login.microsoftonline.com", "example.com",
                      "localhost:8080", "127.0.0.1:3000", "sentry.io", "grafana.internal"]
        self.paths = [f"{rng.choice(['src', 'crates/core/src', 'crates/cli/src', 'ui/src/lib', 'tests'])}/"
                      f"{rng.choice(parts)}.{rng.choice(['rs', 'rs', 'ts', 'py', 'toml', 'svelte'])}"
                      for _ in range(300)]

    def reseed(self, rng):
        self.rng, self.rb, self.rnd = rng, rng.randbytes, rng.random
        self.buf, self.pos = "", 0

    def ri(self, a, b):
        return a + int(self.rnd() * (b - a + 1))

    def words_n(self, n):
        """About n words: the next stretch of a stream of fresh random words, made a
        million at a time (each piece of text is new, none is reused)."""
        start = self.pos
        end = self.buf.find(" ", start + 6 * n)
        if end < 0:
            self.buf = " ".join(map(self.words.__getitem__, array.array("H", self.rb(1 << 21))))
            self.pos = 0
            return self.words_n(n)
        self.pos = end + 1
        return self.buf[start:end]

    def idents_n(self, n):
        return list(map(self.idents.__getitem__, array.array("H", self.rb(2 * n))))

    def prose(self):
        r = self.rng
        paras = [self.words_n(self.ri(20, 120)) for _ in range(self.ri(1, 4))]
        if r.random() < 0.4:
            paras.insert(0, "## " + self.words_n(self.ri(2, 7)))
        if r.random() < 0.4:
            paras.append("\n".join(f"- `{i}` " + self.words_n(self.ri(4, 18))
                                   for i in self.idents_n(self.ri(2, 6))))
        return "\n\n".join(paras)

    CODE = [
        "let {0} = {1}.{2}({3})?;", "    let mut {0} = {1}::new({4});",
        "fn {0}(&self, {1}: &{2}) -> Result<{3}> {{", "    if {0}.is_empty() {{ return Err(Error::{1}); }}",
        "        {0}.push({1}[{4}..].to_vec());", "    }}", "}}", "impl {0} for {1} {{",
        "#[derive(Debug, Clone, Serialize)]", "pub struct {0} {{ {1}: u{4}, {2}: String }}",
        "def {0}({1}, {2}={4}):", "    return {0}[{1}] + {2}", "    for {0} in {1}.{2}():",
        "const {0} = await {1}.{2}({3}, {4});", "import {{ {0}, {1} }} from './{2}';",
        "export function {0}({1}: {2}): {3} {{", "  expect({0}.{1}).toBe({4});",
        "        assert_eq!({0}.{1}(), {4}, \"{2} {3}\");", "    // {0} {1} {2} {3}",
        "    match {0} {{ Some({1}) => {2}({1}), None => {4} }}", "use crate::{0}::{{{1}, {2}}};",
    ]

    def code(self):
        r = self.rng
        n = self.ri(6, 60)
        ids = iter(self.idents_n(4 * n))
        nums = array.array("H", self.rb(2 * n))
        lines = [t.format(next(ids), next(ids), next(ids), next(ids), nums[i] % 4096)
                 for i, t in enumerate(r.choices(self.CODE, k=n))]
        return "```%s\n%s\n```" % (r.choice(["rust", "rust", "ts", "python", ""]), "\n".join(lines))

    def logs(self, ts):
        r = self.rng
        n = self.ri(5, 80)
        hexes = self.rb(8 * n).hex()
        levels = r.choices(["INFO", "DEBUG", "WARN", "ERROR", "TRACE"], [50, 25, 10, 5, 10], k=n)
        mods = r.choices(self.modules, k=n)
        stamps = [time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(ts + j)) for j in range(n // 7 + 1)]
        ms = array.array("H", self.rb(2 * n))
        return "\n".join(f"{stamps[i // 7]}.{ms[i] % 1000:03d}Z {levels[i]:5} {mods[i]}: "
                         f"{self.words_n(self.ri(3, 14))} id={hexes[16 * i:16 * i + 16]}" for i in range(n))

    def tests(self):
        r = self.rng
        n = self.ri(5, 60)
        ids = self.idents_n(3 * n)
        lines = [f"test {ids[3 * i]}::{ids[3 * i + 1]}::{ids[3 * i + 2]} ... "
                 + r.choices(["ok", "FAILED", "ignored"], [90, 3, 7])[0] for i in range(n)]
        lines.append(f"\ntest result: ok. {n} passed; 0 failed; finished in {r.random() * 9:.2f}s")
        return "\n".join(lines)

    def git(self):
        r = self.rng
        out = []
        for _ in range(self.ri(1, 6)):
            out.append(f"commit {self.rb(20).hex()}\nAuthor: {r.choice(TECH).title()} Dev <dev@example.com>\n"
                       f"Date:   Mon Jul 14 10:{self.ri(10, 59)}:{self.ri(10, 59)} 2025 +0200\n\n"
                       f"    {self.words_n(self.ri(5, 20))}\n")
        if r.random() < 0.5:
            out.append(f"diff --git a/{r.choice(self.paths)} b/{r.choice(self.paths)}\n"
                       f"index {self.rb(4).hex()[:7]}..{self.rb(4).hex()[:7]} 100644\n"
                       + self.code().replace("\n", "\n+"))
        return "\n".join(out)

    def grep(self):
        r = self.rng
        n = self.ri(3, 40)
        ids = self.idents_n(2 * n)
        paths = r.choices(self.paths, k=n)
        nums = array.array("H", self.rb(2 * n))
        return "\n".join(f"{paths[i]}:{nums[i] % 900 + 1}:    {ids[2 * i]}({ids[2 * i + 1]})"
                         f" {self.words_n(nums[i] % 6 + 1)}" for i in range(n))

    def url(self):
        r = self.rng
        q = "&".join(f"{k}={base64.urlsafe_b64encode(self.rb(self.ri(3, 24))).decode().rstrip('=')}"
                     for k in r.sample(["id", "page", "state", "sig", "cursor", "q", "ref",
                                        "session", "X-Amz-Date", "X-Amz-Signature", "utm_source"],
                                       self.ri(1, 4)))
        return f"https://{r.choice(self.hosts)}/{'/'.join(self.idents_n(self.ri(1, 4)))}?{q}"

    def blob(self):
        r = self.rng
        b = base64.b64encode(self.rb(r.choice([48, 96, 180, 700, 2400, 6000]))).decode()
        if r.random() < 0.5:
            b = "\n".join(b[i:i + 76] for i in range(0, len(b), 76))
        return r.choice(["data:image/png;base64,", "", "-----BEGIN CERTIFICATE-----\n"]) + b

    def hashes(self):
        r = self.rng
        n = self.ri(2, 20)
        raw = self.rb(32 * n).hex()
        return "\n".join(f"{raw[64 * i:64 * i + r.choice([40, 64])]}  {r.choice(self.paths)}" for i in range(n))

    def links(self):
        return "\n".join(f"- {self.words_n(self.ri(2, 8))}: {self.url()}"
                         for _ in range(self.ri(1, 8)))


# ---------------------------------------------------------------- plantings

ENV_NAMES = ["OPENAI_API_KEY", "GITHUB_TOKEN", "ANTHROPIC_API_KEY", "AWS_SECRET_ACCESS_KEY",
             "STRIPE_SECRET_KEY", "SLACK_BOT_TOKEN", "NPM_TOKEN", "DATABASE_PASSWORD", "API_KEY"]

# (before, after) around the encoded value, as text *before* JSON serialization: the
# line's own escaping applies to them. None ends in a base64 or hex character, nor in a
# newline (whose `\n` escape would end in `n`, a base64 character, before the value).
CONTEXTS = {
    "literal": [("export {env}=", "\n"), ("Authorization: Bearer ", "\n"), ('"api_key": "', '"'),
                ("{env}=", " "), ("--token ", " --verbose"), ("x-api-key: ", "\r\n"), ("password: ", " ")],
    "base64": [("Authorization: Basic ", "\n"), ("data:text/plain;base64,", ")"), ('"blob": "', '"'),
               ("echo ", " | base64 -d"), ("secret.yaml: data: {env}: ", "\n")],
    "base64url": [("?state=", "&page=2"), ("jwt payload: ", "."), ('"k": "', '"'), ("cookie: sid=", "; Path=/")],
    "percent": [("https://{host}/login?user=dev&password=", "&remember=1"), ("curl 'https://{host}/cb?token=", "'"),
                ("grant_type=client_credentials&client_secret=", " "), ("GET /v1/auth?key=", " HTTP/1.1")],
    "json": [('{"secret": "', '"}'), ('"value":"', '",'), ('{"env": {"{env}": "', '"}}')],
    "hex": [("xxd -p: ", "\n"), ("key_hex=", " "), ("hexdump: ", " (end)"), ('"raw": "', '"')],
}


def encode(rng, form, value):
    """(the encoded text, the forms a scanner may rightly call it, details)"""
    v = value.encode()
    if form == "literal":
        return value, ["literal"], {}
    if form in ("base64", "base64url"):
        pre = bytes(rng.choices(b' =:"\'\n', k=rng.randint(0, 2)))
        suf = bytes(rng.choices(b' =:"\'\n', k=rng.randint(0, 2)))
        raw = pre + v + suf
        std = base64.b64encode(raw).decode()
        url = base64.urlsafe_b64encode(raw).decode()
        enc = std if form == "base64" else url if rng.random() < 0.5 else url.rstrip("=")
        # The characters that depend on the value alone (not on the bytes around it):
        # with neither `+` nor `/` among them, the two alphabets write them the same, and
        # a scanner may rightly name either.
        shift = len(pre)
        inner = base64.b64encode(bytes(shift) + v).decode()[-(-8 * shift // 6):8 * (shift + len(v)) // 6]
        same = not any(c in inner for c in "+/")
        accept = [form] + (["base64url" if form == "base64" else "base64"] if same else [])
        return enc, accept, {"prefix": len(pre), "suffix": len(suf)}
    if form == "percent":
        enc = quote(value, safe="")  # every byte outside A-Za-z0-9-._~ as %XX, uppercase
        # A value of only unreserved characters is its own percent-encoding.
        return enc, ["percent"] + (["literal"] if enc == value else []), {}
    if form == "json":
        # As serializers write it: `/` as `\/` (PHP, some JSON encoders) and `"` escaped;
        # `&`, `<`, `>` as \u0026, \u003c, \u003e (Go's HTML-safe encoding). A value with
        # none of these is its own JSON form, found as literal.
        enc = value.replace("\\", "\\\\").replace('"', '\\"').replace("/", "\\/")
        for c in "&<>":
            enc = enc.replace(c, "\\u%04x" % ord(c))
        return enc, ["json"] + (["literal"] if enc == value else []), {}
    if form == "hex":
        return v.hex(), ["hex"], {}
    raise ValueError(form)


# ---------------------------------------------------------------- the tree

MARK = "@@PLANT@@"


def gen_tree(values_path, root, planted_path):
    total = int(os.environ.get("SWEEP_BYTES", 1 << 30))
    seed = int(os.environ.get("SWEEP_SEED", "1"))
    jobs = int(os.environ.get("SWEEP_JOBS", os.cpu_count() or 1))
    rng = random.Random(seed)
    values = [line.rstrip("\n") for line in open(values_path, encoding="utf-8") if line.strip()]
    t0 = time.monotonic()
    global TEXT
    TEXT = Text(rng)
    nfiles = max(1, round(total / FILE_BYTES))
    per_file = total // nfiles
    projects = max(1, min(8, nfiles // 4))
    # Laid out like ~/.claude/projects/<project>/<session>.jsonl
    names = [f"-home-dev-src-{rng.choice(TECH)}-{rng.choice(TECH)}-{i}" for i in range(projects)]
    files = [os.path.join(names[i % projects], uuid4(rng) + ".jsonl") for i in range(nfiles)]
    for name in names:
        os.makedirs(os.path.join(root, name), exist_ok=True)
    # Each value in every form, each at a random offset of a random file.
    todo = {}
    for n, value in enumerate(values, 1):
        for form in FORMS:
            f = rng.randrange(nfiles)
            todo.setdefault(f, []).append((rng.randrange(per_file), f"VAR_{n}", value, form))
    # One file a task, each with its own seed: the same tree whatever the number of jobs.
    tasks = [(seed * 1000003 + fi, os.path.join(root, rel), rel, per_file,
              sorted(todo.get(fi, []), key=lambda p: p[0])) for fi, rel in enumerate(files)]
    if jobs > 1:
        import multiprocessing
        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            done = pool.map(write_task, tasks, chunksize=1)
    else:
        done = list(map(write_task, tasks))
    plantings = [p for planted, _ in done for p in planted]
    written = sum(size for _, size in done)
    secs = time.monotonic() - t0
    json.dump({"root": os.path.abspath(root), "files": nfiles, "bytes": written,
               "seconds": round(secs, 2), "plantings": plantings}, open(planted_path, "w"), indent=1)
    print(f"generated {written / (1 << 30):.3f} GiB in {nfiles} files, {len(plantings)} plantings, "
          f"in {secs:.1f} s ({written / MIB / secs:.0f} MiB/s, {jobs} jobs)", file=sys.stderr)


def write_task(task):
    seed, path, rel, size, pending = task
    rng = random.Random(seed)
    TEXT.reseed(rng)
    planted = write_session(rng, TEXT, path, rel, size, pending)
    return planted, os.path.getsize(path)


def uuid4(rng):
    b = bytearray(rng.randbytes(16))
    b[6] = (b[6] & 0x0F) | 0x40
    b[8] = (b[8] & 0x3F) | 0x80
    h = b.hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def write_session(rng, text, path, rel, size, pending):
    session = uuid4(rng)
    cwd = "/home/dev/src/" + rng.choice(TECH)
    ts = 1752480000 + rng.randrange(30 * 86400)
    parent = None
    kinds = ["prose", "code", "logs", "tests", "git", "grep", "links", "blob", "hashes"]
    cum_w = list(itertools.accumulate([30, 20, 14, 8, 6, 8, 6, 3, 5]))
    out, pos, line_no, planted = [], 0, 0, []
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        while pos < size or pending:
            line_no += 1
            ts += text.ri(1, 40)
            segs = []
            for k in rng.choices(kinds, cum_w, k=text.ri(1, 5)):
                if k == "logs":
                    segs.append(text.logs(ts))
                else:
                    segs.append(getattr(text, k)())
            plant = None
            if pending and pos >= pending[0][0]:
                plant = pending.pop(0)
                _, var, value, form = plant
                enc, accept, detail = encode(rng, form, value)
                before, after = rng.choice(CONTEXTS[form])
                fill = {"env": rng.choice(ENV_NAMES), "host": rng.choice(text.hosts)}
                before = before.replace("{env}", fill["env"]).replace("{host}", fill["host"])
                after = after.replace("{env}", fill["env"])
                segs.insert(rng.randint(0, len(segs)), before + MARK + after)
            body = ("\n\n" if rng.random() < 0.7 else "\n").join(segs)
            rec = record(rng, text, session, cwd, parent, ts, body)
            parent = rec["uuid"]
            line = json.dumps(rec, separators=(",", ":"), ensure_ascii=False)
            if plant:
                assert line.count(MARK) == 1
                line = line.replace(MARK, enc)
                planted.append(dict(file=rel, line=line_no, form=form, variable=var,
                                    accept=accept, encoded=enc, **detail))
            out.append(line)
            pos += len(line) + 1
            if len(out) >= 256:
                f.write("\n".join(out) + "\n")
                out.clear()
        if out:
            f.write("\n".join(out) + "\n")
    assert not pending, f"{len(pending)} plantings past the end of {rel}"
    return planted


def record(rng, text, session, cwd, parent, ts, body):
    common = {"parentUuid": parent, "isSidechain": False, "userType": "external", "cwd": cwd,
              "sessionId": session, "version": "1.0.51", "gitBranch": "main"}
    stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(ts)) + ".%03dZ" % rng.randrange(1000)
    x = rng.random()
    if x < 0.45:
        msg = {"id": "msg_01" + base64.b64encode(rng.randbytes(16)).decode()[:22].replace("/", "x").replace("+", "y"),
               "type": "message", "role": "assistant", "model": "claude-sonnet-4-20250514",
               "content": [{"type": "text", "text": body}], "stop_reason": None,
               "usage": {"input_tokens": text.ri(3, 900), "output_tokens": text.ri(20, 4000),
                         "cache_read_input_tokens": text.ri(0, 90000)}}
        rec = {**common, "type": "assistant", "message": msg, "requestId": "req_011" + rng.randbytes(11).hex()}
    elif x < 0.55:
        cmd = rng.choice(["cargo test -p latchkey-core", "rg -n ", "git log -p -3", "cat ", "ls -la "]) + \
            rng.choice(text.paths)
        msg = {"role": "assistant", "type": "message", "content": [
            {"type": "text", "text": body},
            {"type": "tool_use", "id": "toolu_01" + rng.randbytes(11).hex(), "name": "Bash",
             "input": {"command": cmd, "description": text.words_n(text.ri(3, 9))}}]}
        rec = {**common, "type": "assistant", "message": msg}
    elif x < 0.92:
        msg = {"role": "user", "content": [{"tool_use_id": "toolu_01" + rng.randbytes(11).hex(),
                                           "type": "tool_result", "content": body, "is_error": rng.random() < 0.05}]}
        rec = {**common, "type": "user", "message": msg,
               "toolUseResult": {"stdout": body[:200].split("@@")[0], "stderr": "", "interrupted": False}}
    else:
        rec = {**common, "type": "user", "message": {"role": "user", "content": body}}
    rec["uuid"] = uuid4(rng)
    rec["timestamp"] = stamp
    return rec


# ---------------------------------------------------------------- verify (of the generator)

def decode_back(p):
    enc, form = p["encoded"], p["form"]
    if form in ("base64", "base64url"):
        pad = enc + "=" * (-len(enc) % 4)
        raw = base64.b64decode(pad, validate=True) if form == "base64" else base64.urlsafe_b64decode(pad)
        return raw[p["prefix"]:len(raw) - p["suffix"]].decode()
    if form == "percent":
        from urllib.parse import unquote
        return unquote(enc)
    if form == "json":
        return json.loads('"' + enc + '"')
    if form == "hex":
        return bytes.fromhex(enc).decode()
    return enc


def verify(values_path, planted_path, all_lines):
    """Checks the generator: the lines are JSON, and each planting's text is in its line,
    decodes back to its value, and (literal, json) the decoded line holds the value."""
    values = [line.rstrip("\n") for line in open(values_path, encoding="utf-8") if line.strip()]
    meta = json.load(open(planted_path))
    by_file = {}
    for p in meta["plantings"]:
        by_file.setdefault(p["file"], {})[p["line"]] = p
    files = set(by_file)
    if all_lines:
        files |= {os.path.relpath(os.path.join(d, f), meta["root"]) for d, _, fs in os.walk(meta["root"]) for f in fs}
    bad = lines = 0
    for rel in sorted(files):
        want = by_file.get(rel, {})
        with open(os.path.join(meta["root"], rel), encoding="utf-8") as f:
            for n, line in enumerate(f, 1):
                if not all_lines and n not in want:
                    continue
                lines += 1
                rec = json.loads(line)
                p = want.get(n)
                if p is None:
                    continue
                value = values[int(p["variable"][4:]) - 1]
                ok = p["encoded"] in line and decode_back(p) == value and MARK not in line
                if p["form"] in ("literal", "json"):
                    ok = ok and value in json.dumps(rec, ensure_ascii=False)
                if not ok:
                    bad += 1
                    print("BAD", p, file=sys.stderr)
    print(f"verified {lines} lines, {len(meta['plantings'])} plantings, {bad} bad")
    return 1 if bad else 0


# ---------------------------------------------------------------- check (of latchkey scan --json)

def check(planted_path, scan_path):
    meta = json.load(open(planted_path))
    root = os.path.realpath(meta["root"])
    try:
        scan = json.load(open(scan_path))
        findings = scan["findings"]
    except (OSError, ValueError, KeyError, TypeError) as e:
        print(f"FAIL: {scan_path} is not `latchkey scan --json` output: {e}")
        return 1

    def rel(f):
        # `"place": {"kind": "file", "path": ...}`, or a plain `"path"`
        p = (f.get("place") or {}).get("path") or f.get("path") or ""
        p = os.path.realpath(p if os.path.isabs(p) else os.path.join(os.getcwd(), p))
        return os.path.relpath(p, root)

    status = {}
    for f in findings:
        status[f.get("status")] = status.get(f.get("status"), 0) + 1
    current = [f for f in findings if f.get("status") == "current"]
    per_form = {form: 0 for form in FORMS}
    for f in current:
        per_form[f.get("form")] = per_form.get(f.get("form"), 0) + 1
    print("findings: " + ", ".join(f"{n} {s}" for s, n in sorted(status.items(), key=str)))
    print("current per form: " + ", ".join(f"{k} {v}" for k, v in per_form.items()))

    # A planting is found when a current finding has its file, line, variable and one of
    # the forms that its text is (a percent-encoding with nothing to escape is literal).
    spots = {}
    for f in current:
        spots.setdefault((rel(f), f.get("line"), f.get("variable")), []).append(f)
    planted_keys = set()
    missing = []
    for p in meta["plantings"]:
        key = (p["file"], p["line"], p["variable"])
        planted_keys.add(key)
        if not any(f.get("form") in p["accept"] for f in spots.get(key, [])):
            missing.append(p)
    found = len(meta["plantings"]) - len(missing)
    print(f"plantings found: {found}/{len(meta['plantings'])}")
    for p in missing[:20]:
        seen = [f.get("form") for f in spots.get((p["file"], p["line"], p["variable"]), [])]
        print(f"  MISSING {p['variable']} {p['form']} at {p['file']}:{p['line']} ({p['encoded'][:24]}...)"
              + (f", reported there as {seen}" if seen else ""))
    by_form = {}
    for p in missing:
        by_form[p["form"]] = by_form.get(p["form"], 0) + 1
    if by_form:
        print("  missing per form: " + ", ".join(f"{k} {v}" for k, v in by_form.items()))
    stray = [f for key, fs in spots.items() if key not in planted_keys for f in fs]
    print(f"current findings not planted (false positives among stored values, must be 0): {len(stray)}")
    for f in stray[:10]:
        print(f"  STRAY {f.get('variable')} {f.get('form')} at {rel(f)}:{f.get('line')}:{f.get('column')}")
    print(f"unmanaged findings: {status.get('unmanaged', 0)}")
    fail = bool(missing or stray)
    for field in ("files", "bytes"):
        if field in scan and scan[field] != meta[field]:
            print(f"FAIL: the scan reports {field} {scan[field]}, the tree has {meta[field]}")
            fail = True
    print("check: " + ("FAIL" if fail else "PASS"))
    return 1 if fail else 0


def main(argv):
    if len(argv) >= 1 and argv[0] == "values":
        rng = random.Random(int(os.environ.get("SWEEP_SEED", "1")) * 7919)
        print("\n".join(make_values(rng, int(argv[1]) if len(argv) > 1 else 50)))
        return 0
    if len(argv) == 4 and argv[0] == "tree":
        gen_tree(*argv[1:])
        return 0
    if len(argv) in (3, 4) and argv[0] == "verify":
        return verify(argv[1], argv[2], argv[3:] == ["--all"])
    if len(argv) == 3 and argv[0] == "check":
        return check(argv[1], argv[2])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
