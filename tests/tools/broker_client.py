#!/usr/bin/env python3
"""The agent side of the broker's tests: a real client (requests, httpx, the openai or
anthropic SDK, or raw sockets) run under `latchkey run --broker`. It writes what it saw
to the JSON file OUT, never to stdout (latchkey masks stdout, which would hide a leak),
and copies /proc/self/environ to OUT.environ.

    broker_client.py OUT MODE [ARG...]

MODE:
  requests URL, httpx URL      GET URL with `Authorization: Bearer $OPENAI_API_KEY`
  post URL                     POST $OPENAI_API_KEY in a JSON body (requests)
  openai, anthropic            one call through the SDK, to its default base URL
  openai-stream GATE           a streamed chat completion: after the first event, create
                               GATE; records how many events arrived
  websocket                    an upgrade through OPENAI_BASE_URL, then an echo
"""
import json, os, socket, sys, urllib.parse

out, mode, rest = sys.argv[1], sys.argv[2], sys.argv[3:]
with open("/proc/self/environ", "rb") as f, open(out + ".environ", "wb") as g:
    g.write(f.read())
result = {}
key = os.environ.get("OPENAI_API_KEY", "")
try:
    if mode == "requests":
        import requests
        r = requests.get(rest[0], headers={"Authorization": f"Bearer {key}"}, timeout=20)
        result = {"status": r.status_code, "text": r.text}
    elif mode == "post":
        import requests
        r = requests.post(rest[0], json={"leak": key}, timeout=20)
        result = {"status": r.status_code, "text": r.text}
    elif mode == "httpx":
        import httpx
        r = httpx.get(rest[0], headers={"Authorization": f"Bearer {key}"}, timeout=20)
        result = {"status": r.status_code, "text": r.text}
    elif mode == "openai":
        import openai
        reply = openai.OpenAI().chat.completions.create(model="gpt-test", messages=[{"role": "user", "content": "hi"}])
        result = {"text": reply.choices[0].message.content}
    elif mode == "anthropic":
        import anthropic
        reply = anthropic.Anthropic().messages.create(
            model="claude-test", max_tokens=8, messages=[{"role": "user", "content": "hi"}])
        result = {"text": reply.content[0].text}
    elif mode == "openai-stream":
        import openai
        stream = openai.OpenAI().chat.completions.create(
            model="gpt-test", messages=[{"role": "user", "content": "hi"}], stream=True)
        tokens = []
        for chunk in stream:
            tokens.append(chunk.choices[0].delta.content)
            if len(tokens) == 1:
                open(rest[0], "w").close()
        result = {"events": len(tokens), "first": tokens[0]}
    elif mode == "websocket":
        base = urllib.parse.urlsplit(os.environ["OPENAI_BASE_URL"])
        s = socket.create_connection((base.hostname, base.port), timeout=20)
        s.sendall((f"GET {base.path}/realtime HTTP/1.1\r\nHost: {base.netloc}\r\nUpgrade: websocket\r\n"
                   f"Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                   f"Sec-WebSocket-Version: 13\r\nAuthorization: Bearer {key}\r\n\r\n").encode())
        head = b""
        while b"\r\n\r\n" not in head:
            head += s.recv(4096)
        head, _, extra = head.partition(b"\r\n\r\n")
        s.sendall(b"ping-through-the-upgrade")
        echo = extra
        while len(echo) < len(b"echo:ping-through-the-upgrade"):
            echo += s.recv(4096)
        result = {"status_line": head.split(b"\r\n")[0].decode(), "echo": echo.decode()}
    else:
        raise SystemExit(f"unknown mode {mode}")
except Exception as e:  # the test reads what failed
    result = {"error": f"{type(e).__name__}: {e}"}
with open(out, "w") as f:
    json.dump(result, f)
