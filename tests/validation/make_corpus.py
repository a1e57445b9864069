#!/usr/bin/env python3
"""Write tests/validation/corpus.json: a table-driven corpus for the key-format validator.

Every key in the corpus is SYNTHETIC: drawn here from a seeded RNG, never a real credential.
Patterns and checksums are copied verbatim from the shared note key-formats.md; "note:NN"
comments name the line of that note each format comes from.

Run: python3 tests/validation/make_corpus.py [OUT]   (standard library only, deterministic)
"""
import base64
import hashlib
import json
import math
import random
import re
import string
import sys
import zlib
from collections import Counter
from pathlib import Path

RNG = random.Random(20261122)

ALNUM = string.ascii_uppercase + string.ascii_lowercase + string.digits  # [A-Za-z0-9]
URLSAFE = ALNUM + "_-"                     # [A-Za-z0-9_-]
HEX = "0123456789abcdef"                   # [a-f0-9]
LOWER_ALNUM = string.ascii_lowercase + string.digits
UPPER_ALNUM = string.ascii_uppercase + string.digits
B32 = string.ascii_uppercase + "234567"   # [A-Z2-7]
DIGITS = string.digits
B62 = string.digits + string.ascii_uppercase + string.ascii_lowercase  # checksum alphabet 0-9A-Za-z

PLACEHOLDER_WORDS = ("test", "example", "sample", "fake", "mock", "demo", "dummy", "changeme", "xxxx")

# Patterns, verbatim from the note's "Formats" table (note:13-38).
P = {
    "openai-project": r"sk-(proj|svcacct|admin)-[A-Za-z0-9_-]{58,74}T3BlbkFJ[A-Za-z0-9_-]{58,74}",
    "openai-legacy": r"sk-[A-Za-z0-9]{20}T3BlbkFJ[A-Za-z0-9]{20}",
    "anthropic": r"sk-ant-(api03|admin01)-[A-Za-z0-9_-]{93}AA",
    "azure-hex": r"[a-f0-9]{32}",
    "azure-84": r"[A-Za-z0-9]{52}JQQJ9[9DH][A-Za-z0-9][A-L][A-Za-z0-9]{16}[A-Za-z][A-Za-z0-9]{7}",
    "gemini": r"AIza[A-Za-z0-9_-]{35}",
    "mistral": r"[A-Za-z0-9]{32}",
    "groq": r"gsk_[A-Za-z0-9]{52}",
    "cohere": r"[A-Za-z0-9]{40}",
    "hf": r"hf_[A-Za-z0-9]{34}",
    "hf-org": r"api_org_[A-Za-z0-9]{34}",
    "replicate": r"r8_[A-Za-z0-9_-]{37}",
    "together": r"tgp_v1_[A-Za-z0-9_-]{43}",
    "perplexity": r"pplx-[A-Za-z0-9]{48}",
    "deepseek": r"sk-[a-z0-9]{32}",
    "xai": r"xai-[A-Za-z0-9_]{80}",
    "openrouter": r"sk-or-v1-[0-9a-f]{64}",
    "fireworks": r"fw_[A-Za-z0-9]{24}",
    "langsmith": r"lsv2_(pt|sk)_[a-f0-9]{32}_[a-f0-9]{10}",
    "tavily": r"tvly-(dev-|prod-)?[A-Za-z0-9]{20,40}",
    "pinecone": r"pcsk_[A-Za-z0-9]{5,6}_[A-Za-z0-9]{63}",
    "aws-id": r"(AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16}",
    "aws-secret": r"[A-Za-z0-9/+]{40}",
    "github": r"(ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{36}",
    "github-pat": r"github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59}",
    "gitlab": r"glpat-[A-Za-z0-9_-]{20}",
    "stripe": r"(sk|rk)_(test|live)_[A-Za-z0-9]{10,99}",
    "slack-bot": r"xoxb-[0-9]{10,13}-[0-9]{10,13}[A-Za-z0-9-]*",
    "slack-user": r"xox[pe](-[0-9]{10,13}){3}-[A-Za-z0-9-]{28,34}",
    "slack-webhook": r"https://hooks.slack.com/services/T[A-Z0-9]+/B[A-Z0-9]+/[A-Za-z0-9]{23,25}",
    "sendgrid": r"SG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}",
    "npm": r"npm_[A-Za-z0-9]{36}",
    "pypi": r"pypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{50,}",
}

def rand(alphabet, n):
    return "".join(RNG.choice(alphabet) for _ in range(n))

def entropy(s):
    counts = Counter(s)
    return -sum(c / len(s) * math.log2(c / len(s)) for c in counts.values())

def clean(value, body):
    """True when a generated key carries no accidental placeholder marker and looks random."""
    low = value.lower()
    if any(w in low for w in PLACEHOLDER_WORDS) or re.search(r"(.)\1{3}", low):
        return False
    return entropy(body) >= 3.0 and entropy(value) >= 3.0

def b62(n, width=6):
    out = ""
    while n:
        n, r = divmod(n, 62)
        out = B62[r] + out
    return out.rjust(width, "0")

def crc_token(prefix):
    """note:42,44 - 30 random base62 chars + CRC32 of them in base62, padded to 6."""
    body = rand(ALNUM, 30)
    return f"{prefix}_{body}{b62(zlib.crc32(body.encode()))}", body

def crc_ok(token):
    body = token.split("_", 1)[1]
    return body[30:] == b62(zlib.crc32(body[:30].encode()))

def pat_sum(first77):
    """note:43 - first 8 chars of unpadded RFC 4648 base32 of SHA-256 of the first 77 chars."""
    return base64.b32encode(hashlib.sha256(first77.encode()).digest()).decode().rstrip("=")[:8]

def pat_ok(token):
    return token[77:85] == pat_sum(token[:77])

# ---- one generator per format; each returns (value, random body); n is the ordinal (0, 1) ----

def openai_project(kind, n):  # note:13 - project keys are 164 (or 132) chars: segments 74+74 or 58+58
    seg = 74 if n == 0 else 58
    a, b = rand(URLSAFE, seg), rand(URLSAFE, seg)
    return f"sk-{kind}-{a}T3BlbkFJ{b}", a + b

def openai_legacy(n):  # note:13 - legacy sk-…T3BlbkFJ…
    a, b = rand(ALNUM, 20), rand(ALNUM, 20)
    return f"sk-{a}T3BlbkFJ{b}", a + b

def anthropic(kind, n):  # note:14 - 108 chars (admin 110)
    body = rand(URLSAFE, 93)
    return f"sk-ant-{kind}-{body}AA", body

def azure_84(n):  # note:15 - the newer 84-char form
    parts = [rand(ALNUM, 52), "JQQJ9", RNG.choice("9DH"), rand(ALNUM, 1), RNG.choice("ABCDEFGHIJKL"),
             rand(ALNUM, 16), RNG.choice(string.ascii_letters), rand(ALNUM, 7)]
    return "".join(parts), "".join(parts[:1] + parts[3:4] + parts[5:])

def prefixed(prefix, alphabet, lo, hi=None):  # "<prefix><class>{lo}" or "<prefix><class>{lo,hi}"
    def gen(n):
        body = rand(alphabet, RNG.randint(lo, hi) if hi else lo)
        return prefix + body, body
    return gen

def langsmith(n):  # note:28 - n=0 personal (pt), n=1 service key (sk)
    a, b = rand(HEX, 32), rand(HEX, 10)
    return f"lsv2_{('pt', 'sk')[n]}_{a}_{b}", a + b

def pinecone(n):  # note:30 - 5 or 6 chars, then 63
    a, b = rand(ALNUM, 5 + n), rand(ALNUM, 63)
    return f"pcsk_{a}_{b}", a + b

def github_pat(n):  # note:32 + note:43 - 77 chars, 8 checksum chars, 8 random chars = 93
    a, b, tail = rand(ALNUM, 22), rand(ALNUM, 43), rand(ALNUM, 8)
    first77 = f"github_pat_{a}_{b}"
    return first77 + pat_sum(first77) + tail, a + b + tail

def slack_bot(n):  # note:35 - xoxb-<team>-<bot>-<24>, the tail shaped like real bot tokens
    a, b = rand(DIGITS, RNG.randint(10, 13)), rand(DIGITS, RNG.randint(10, 13))
    tail = rand(ALNUM + "-", 24)
    return f"xoxb-{a}-{b}-{tail}", a + b + tail

def slack_user(n):  # note:35 - xoxp with three numeric groups and a 28-34 char tail
    nums = [rand(DIGITS, RNG.randint(10, 13)) for _ in range(3)]
    tail = rand(ALNUM + "-", RNG.randint(28, 34))
    return "xoxp-" + "-".join(nums) + "-" + tail, "".join(nums) + tail

def slack_webhook(n):  # note:35 - incoming webhook URL
    t, b = rand(UPPER_ALNUM, RNG.randint(8, 10)), rand(UPPER_ALNUM, RNG.randint(8, 10))
    secret = rand(ALNUM, RNG.randint(23, 25))
    return f"https://hooks.slack.com/services/T{t}/B{b}/{secret}", t + b + secret

def sendgrid(n):  # note:36
    a, b = rand(URLSAFE, 22), rand(URLSAFE, 43)
    return f"SG.{a}.{b}", a + b


# (provider, variant, variables to cycle through, pattern key, generator)
FORMATS = [
    ("openai", "proj", ["OPENAI_API_KEY"], "openai-project", lambda n: openai_project("proj", n)),
    ("openai", "svcacct", ["OPENAI_API_KEY"], "openai-project", lambda n: openai_project("svcacct", n)),
    ("openai", "admin", ["OPENAI_API_KEY"], "openai-project", lambda n: openai_project("admin", n)),
    ("openai", "legacy", ["OPENAI_API_KEY"], "openai-legacy", openai_legacy),
    ("anthropic", "api03", ["ANTHROPIC_API_KEY"], "anthropic", lambda n: anthropic("api03", n)),
    ("anthropic", "admin01", ["ANTHROPIC_API_KEY"], "anthropic", lambda n: anthropic("admin01", n)),
    ("azure-openai", "hex32", ["AZURE_OPENAI_API_KEY"], "azure-hex", prefixed("", HEX, 32)),  # note:15
    ("azure-openai", "84", ["AZURE_OPENAI_API_KEY"], "azure-84", azure_84),
    ("gemini", "aiza", ["GEMINI_API_KEY", "GOOGLE_API_KEY"], "gemini", prefixed("AIza", URLSAFE, 35)),  # note:16
    ("mistral", "key", ["MISTRAL_API_KEY"], "mistral", prefixed("", ALNUM, 32)),  # note:17
    ("groq", "gsk", ["GROQ_API_KEY"], "groq", prefixed("gsk_", ALNUM, 52)),  # note:18
    ("cohere", "key", ["COHERE_API_KEY", "CO_API_KEY"], "cohere", prefixed("", ALNUM, 40)),  # note:19
    ("huggingface", "hf", ["HF_TOKEN", "HUGGINGFACE_API_KEY"], "hf", prefixed("hf_", ALNUM, 34)),  # note:20
    ("huggingface", "apiorg", ["HF_TOKEN", "HUGGINGFACE_API_KEY"], "hf-org", prefixed("api_org_", ALNUM, 34)),
    ("replicate", "r8", ["REPLICATE_API_TOKEN"], "replicate", prefixed("r8_", URLSAFE, 37)),  # note:21
    ("together", "tgp", ["TOGETHER_API_KEY"], "together", prefixed("tgp_v1_", URLSAFE, 43)),  # note:22
    ("perplexity", "pplx", ["PERPLEXITY_API_KEY"], "perplexity", prefixed("pplx-", ALNUM, 48)),  # note:23
    ("deepseek", "sk", ["DEEPSEEK_API_KEY"], "deepseek", prefixed("sk-", LOWER_ALNUM, 32)),  # note:24
    ("xai", "xai", ["XAI_API_KEY"], "xai", prefixed("xai-", ALNUM + "_", 80)),  # note:25
    ("openrouter", "v1", ["OPENROUTER_API_KEY"], "openrouter", prefixed("sk-or-v1-", HEX, 64)),  # note:26
    ("fireworks", "fw", ["FIREWORKS_API_KEY"], "fireworks", prefixed("fw_", ALNUM, 24)),  # note:27
    ("langsmith", "lsv2", ["LANGSMITH_API_KEY", "LANGCHAIN_API_KEY"], "langsmith", langsmith),
    *[("tavily", env.strip("-") or "plain", ["TAVILY_API_KEY"], "tavily", prefixed(f"tvly-{env}", ALNUM, 20, 40))
      for env in ("", "dev-", "prod-")],  # note:29
    ("pinecone", "pcsk", ["PINECONE_API_KEY"], "pinecone", pinecone),
    ("aws", "akia", ["AWS_ACCESS_KEY_ID"], "aws-id", prefixed("AKIA", B32, 16)),  # note:31, no checksum (note:45)
    ("aws", "asia", ["AWS_ACCESS_KEY_ID"], "aws-id", prefixed("ASIA", B32, 16)),
    ("aws", "secret", ["AWS_SECRET_ACCESS_KEY"], "aws-secret", prefixed("", ALNUM + "/+", 40)),
    # note:32 + note:42 (CRC32 checksum; ghs_ is unverified there, generated with the same scheme)
    *[("github", p, ["GITHUB_TOKEN", "GH_TOKEN"], "github", lambda n, p=p: crc_token(p))
      for p in ("ghp", "gho", "ghu", "ghs", "ghr")],
    ("github", "pat", ["GITHUB_TOKEN", "GH_TOKEN"], "github-pat", github_pat),
    ("gitlab", "glpat", ["GITLAB_TOKEN"], "gitlab", prefixed("glpat-", URLSAFE, 20)),  # note:33
    # note:34 - live keys only: sk_test_/rk_test_ contain the placeholder word "test" (note:50)
    *[("stripe", f"{k}-live", ["STRIPE_SECRET_KEY", "STRIPE_API_KEY"], "stripe",
       prefixed(f"{k}_live_", ALNUM, 10, 99)) for k in ("sk", "rk")],
    ("slack", "xoxb", ["SLACK_BOT_TOKEN"], "slack-bot", slack_bot),
    ("slack", "xoxp", ["SLACK_TOKEN"], "slack-user", slack_user),
    ("slack", "webhook", ["SLACK_WEBHOOK_URL"], "slack-webhook", slack_webhook),
    ("sendgrid", "sg", ["SENDGRID_API_KEY"], "sendgrid", sendgrid),
    ("npm", "npm", ["NPM_TOKEN"], "npm", lambda n: crc_token("npm")),  # note:37 + note:44
    ("pypi", "pypi", ["PYPI_TOKEN", "TWINE_PASSWORD"], "pypi",
     prefixed("pypi-AgEIcHlwaS5vcmc", URLSAFE, 50, 200)),  # note:38, "50 or more": capped at 200 here
]
FMT = {(f[0], f[1]): f for f in FORMATS}
PROVIDERS = ["openai", "anthropic", "azure-openai", "gemini", "mistral", "groq", "cohere", "huggingface",
             "replicate", "together", "perplexity", "deepseek", "xai", "openrouter", "fireworks", "langsmith",
             "tavily", "pinecone", "aws", "github", "gitlab", "stripe", "slack", "sendgrid", "npm", "pypi"]  # note:7
assert sorted(PROVIDERS) == sorted({f[0] for f in FORMATS})

cases, kinds = [], Counter()

def add(kind, cid, variable, value, provider, fmt, problems):
    assert cid not in {c["id"] for c in cases}, cid
    cases.append({"id": cid, "variable": variable, "value": value, "provider": provider,
                  "format": fmt, "problems": problems})
    kinds[kind] += 1

def draw(provider, variant, n=0):
    """A well-formed, clean key for one format (redrawn until clean)."""
    gen = FMT[(provider, variant)][4]
    while True:
        value, body = gen(n)
        if clean(value, body):
            assert re.fullmatch(P[FMT[(provider, variant)][3]], value), (provider, variant, value)
            return value

def matches_provider(provider, value):
    return any(re.fullmatch(P[f[3]], value) for f in FORMATS if f[0] == provider)


# 1. ok: two per format alternative, cycling through the conventional variable names.
for provider, variant, variables, pkey, _ in FORMATS:
    for n in range(2):
        value = draw(provider, variant, n)
        if pkey in ("github", "npm"):
            assert crc_ok(value)
        if pkey == "github-pat":
            assert pat_ok(value)
        add("ok", f"{provider}-{variant}-ok-{n + 1}", variables[n % len(variables)], value, provider, "ok", [])

# 2. checksum: one checksum character changed, still matching the regex (note:42-44).
for provider, variant, lo, hi, alphabet, check in [("github", "ghp", 34, 40, ALNUM, crc_ok),
                                                   ("github", "pat", 77, 85, B32, pat_ok),
                                                   ("npm", "npm", 34, 40, ALNUM, crc_ok)]:
    for n in range(2):
        while True:
            good = draw(provider, variant, n)
            pos = RNG.randrange(lo, hi)
            bad = good[:pos] + RNG.choice(alphabet.replace(good[pos], "")) + good[pos + 1:]
            if clean(bad, bad):
                break
        assert re.fullmatch(P[FMT[(provider, variant)][3]], bad) and not check(bad), bad
        # npm's scheme is not confirmed against a real token: its failure is a warning.
        code = "unconfirmed_checksum" if provider == "npm" else "checksum"
        add("checksum", f"{provider}-{variant}-checksum-{n + 1}", FMT[(provider, variant)][2][0], bad,
            provider, "invalid", [code])

# 3. truncated: last 3 chars removed, then more until no pattern of the provider matches.
# Each provider's first format, but slack's xoxp (xoxb's unbounded tail would need stripping entirely),
# plus the AWS secret, which lives in its own variable.
FIRST = {}
for f in FORMATS:
    FIRST.setdefault(f[0], f[1])
TRUNCATE = [(p, "xoxp" if p == "slack" else FIRST[p]) for p in PROVIDERS] + [("aws", "secret")]
for provider, variant in TRUNCATE:
    value = draw(provider, variant)[:-3]
    while matches_provider(provider, value):
        value = value[:-1]
    assert value and not matches_provider(provider, value)
    add("truncated", f"{provider}-{variant}-truncated-1", FMT[(provider, variant)][2][0], value,
        provider, "invalid", ["format"])

# 4. placeholder: prefix + x's (where the format has a prefix) and one rotating style per provider.
XPREFIX = {"openai": ("sk-", 24), "anthropic": ("sk-ant-api03-", 24), "gemini": ("AIza", 35),
           "groq": ("gsk_", 52), "huggingface": ("hf_", 34), "replicate": ("r8_", 37),
           "together": ("tgp_v1_", 43), "perplexity": ("pplx-", 48), "deepseek": ("sk-", 32),
           "xai": ("xai-", 80), "openrouter": ("sk-or-v1-", 64), "fireworks": ("fw_", 24),
           "langsmith": ("lsv2_pt_", 32), "tavily": ("tvly-", 32), "pinecone": ("pcsk_", 20),
           "aws": ("AKIA", 16), "github": ("ghp_", 36), "gitlab": ("glpat-", 20), "stripe": ("sk_live_", 24),
           "slack": ("xoxb-", 30), "sendgrid": ("SG.", 22), "npm": ("npm_", 36), "pypi": ("pypi-", 50)}
VARS = {p: FMT[(p, v)][2][0] for p, v in FIRST.items()}  # first conventional name of each provider

def your_key_here(provider, var):
    return f"your-{provider}-{'token' if var.endswith('TOKEN') else 'api-key'}-here"

def placeholder_problems(provider, value):
    """Everything a placeholder is found to be: a placeholder; not the provider's shape (or,
    in its shape, a failed checksum where the provider has one); shorter than 10."""
    problems = ["placeholder"]
    if not matches_provider(provider, value):
        problems.append("format")
    elif provider == "github":
        problems.append("checksum")
    elif provider == "npm":
        problems.append("unconfirmed_checksum")
    if len(value) < 10:
        problems.append("too_short")
    return problems

STYLES = [your_key_here, lambda p, v: f"<{v}>", lambda p, v: f"${{{v}}}", lambda p, v: "changeme"]
for i, provider in enumerate(PROVIDERS):
    var = VARS[provider]
    if provider in XPREFIX:
        prefix, count = XPREFIX[provider]
        first = prefix + ("X" if provider == "aws" else "x") * count  # AWS ids are upper case
    else:
        first = your_key_here(provider, var)
    style = STYLES[i % 4]
    if style is your_key_here and provider not in XPREFIX:  # already used above: take the next style
        style = STYLES[1]
    var2 = "AWS_SECRET_ACCESS_KEY" if provider == "aws" else var
    for n, (v, value) in enumerate([(var, first), (var2, style(provider, var2))]):
        add("placeholder", f"{provider}-placeholder-{n + 1}", v, value, provider, "invalid",
            placeholder_problems(provider, value))
# The AWS documentation samples (note:50).
add("placeholder", "aws-placeholder-3", "AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE", "aws", "invalid",
    ["placeholder"])
add("placeholder", "aws-placeholder-4", "AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    "aws", "invalid", ["placeholder"])

# 5. generic checks (note:47-52).
add("generic", "generic-too_short-1", "SOME_TOKEN", rand(ALNUM, 5), None, "invalid", ["too_short"])
unknown = rand(ALNUM, 40)
while not clean(unknown, unknown) or entropy(unknown) < 4.5:
    unknown = rand(ALNUM, 40)
add("generic", "generic-unknown-1", "SOME_TOKEN", unknown, None, "unknown", [])
add("generic", "openai-whitespace-1", "OPENAI_API_KEY", " " + draw("openai", "proj"), "openai", "invalid",
    ["whitespace"])
add("generic", "openai-whitespace-2", "OPENAI_API_KEY", draw("openai", "proj") + "\n", "openai", "invalid",
    ["whitespace"])
add("generic", "groq-whitespace-1", "GROQ_API_KEY", '"' + draw("groq", "gsk") + '"', "groq", "invalid",
    ["whitespace"])
for n, ch in enumerate(["\u0007", "\u00a0"]):
    body = rand(ALNUM, 30)
    while not clean(body, body):
        body = rand(ALNUM, 30)
    add("generic", f"generic-non_printable-{n + 1}", "SOME_TOKEN", body[:15] + ch + body[15:], None, "invalid",
        ["non_printable"])
for n, value in enumerate(["Password123Password123", "hunter2hunter2hunter2"]):
    add("generic", f"generic-low_entropy-{n + 1}", "SOME_TOKEN", value, None, "invalid", ["low_entropy"])
add("generic", "generic-placeholder-1", "SOME_TOKEN", "aaaaaaaaaaaaaaaa", None, "invalid", ["placeholder"])

# 6. provider mismatch: a valid key of one provider under another provider's conventional name (note:52).
for provider, variant, var in [("anthropic", "api03", "OPENAI_API_KEY"), ("openai", "proj", "ANTHROPIC_API_KEY"),
                               ("github", "ghp", "OPENAI_API_KEY"), ("groq", "gsk", "GITHUB_TOKEN")]:
    add("mismatch", f"{provider}-{variant}-mismatch-1", var, draw(provider, variant), provider, "invalid",
        ["provider_mismatch"])

# Self-checks over the whole corpus.
for c in cases:
    if c["format"] == "ok":
        assert c["problems"] == [] and matches_provider(c["provider"], c["value"]), c["id"]
    assert c["provider"] is None or c["provider"] in PROVIDERS, c["id"]

# An optional argument writes elsewhere: the freshness test compares that with the committed file.
out = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent / "corpus.json"
doc = {"generated_by": "tests/validation/make_corpus.py", "cases": cases}
out.write_text(json.dumps(doc, indent=1, sort_keys=True) + "\n", encoding="utf-8")
print(f"wrote {out} with {len(cases)} cases: " + ", ".join(f"{k} {v}" for k, v in kinds.items()))
