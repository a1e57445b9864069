#!/usr/bin/env python3
"""A fake LLM provider on 127.0.0.1 for the broker's tests: it speaks enough of the
OpenAI and Anthropic APIs for their SDKs, echoes the credentials it got back (so a test
sees whether a real key is reflected), streams server-sent events, reads chunked
request bodies, and passes a WebSocket-style upgrade through as a raw echo.

    provider_fake.py LOG [--tls DIR] [--gate FILE]

Prints its port, then serves until killed. Each request is one JSON line in LOG:
method, path, headers (lower-case names) and body. With --tls it serves HTTPS with a
certificate for api.openai.com, api.anthropic.com, other.test, localhost and
127.0.0.1, signed by a certificate authority it writes to DIR/ca.pem. With --gate, a
stream sends its first event, then waits (up to 10 s) for FILE to exist before the rest,
and logs whether it was released or timed out.
"""
import http.server
import sys, json, os, ssl, subprocess, sys, time

log_path = sys.argv[1]
args = sys.argv[2:]
tls_dir = args[args.index("--tls") + 1] if "--tls" in args else None
gate = args[args.index("--gate") + 1] if "--gate" in args else None


def log(entry):
    with open(log_path, "a") as f:
        f.write(json.dumps(entry) + "\n")


def make_certificates(directory):
    def run(*cmd):
        subprocess.run(cmd, check=True, capture_output=True)
    ca_key, ca = os.path.join(directory, "ca.key"), os.path.join(directory, "ca.pem")
    key, csr, cert = (os.path.join(directory, n) for n in ("leaf.key", "leaf.csr", "leaf.pem"))
    ext = os.path.join(directory, "leaf.ext")
    run("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "2",
        "-subj", "/CN=latchkey test CA", "-keyout", ca_key, "-out", ca)
    run("openssl", "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-subj",
        "/CN=api.openai.com", "-keyout", key, "-out", csr)
    with open(ext, "w") as f:
        f.write("subjectAltName=DNS:api.openai.com,DNS:api.anthropic.com,DNS:other.test,DNS:localhost,IP:127.0.0.1\n"
                "basicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=serverAuth\n"
                "authorityKeyIdentifier=keyid\nsubjectKeyIdentifier=hash\n")
    run("openssl", "x509", "-req", "-in", csr, "-CA", ca, "-CAkey", ca_key, "-CAcreateserial", "-out", cert,
        "-days", "2", "-extfile", ext)
    return cert, key


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def read_body(self):
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            body = b""
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip(), 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return body, True
                body += self.rfile.read(size)
                self.rfile.readline()
        n = int(self.headers.get("Content-Length") or 0)
        return (self.rfile.read(n) if n else b""), False

    def send(self, status, body, content_type="application/json"):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def credentials(self):
        return {"authorization": self.headers.get("Authorization"), "x-api-key": self.headers.get("x-api-key")}

    def handle_any(self):
        body, chunked = self.read_body()
        headers = {k.lower(): v for k, v in self.headers.items()}
        log({"method": self.command, "path": self.path, "headers": headers,
             "body": body.decode("utf-8", "replace"), "chunked": chunked})
        path = self.path.split("?")[0]
        if headers.get("upgrade", "").lower() == "websocket":
            return self.upgrade()
        try:
            request = json.loads(body) if body else {}
        except ValueError:
            request = {}
        if path.endswith("/chat/completions") and request.get("stream"):
            return self.stream_openai()
        if path.endswith("/chat/completions"):
            reply = {"id": "chatcmpl-1", "object": "chat.completion", "created": 1, "model": "gpt-test",
                     "choices": [{"index": 0, "finish_reason": "stop",
                                  "message": {"role": "assistant", "content": json.dumps(self.credentials())}}],
                     "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}}
            return self.send(200, json.dumps(reply).encode())
        if path.endswith("/messages"):
            reply = {"id": "msg_1", "type": "message", "role": "assistant", "model": "claude-test",
                     "content": [{"type": "text", "text": json.dumps(self.credentials())}],
                     "stop_reason": "end_turn", "stop_sequence": None,
                     "usage": {"input_tokens": 1, "output_tokens": 1}}
            return self.send(200, json.dumps(reply).encode())
        if path.endswith("/sse"):
            return self.stream_plain()
        reply = {"path": self.path, "body": body.decode("utf-8", "replace"), **self.credentials()}
        self.send(200, json.dumps(reply).encode())

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = handle_any

    def events(self, lines):
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        for i, line in enumerate(lines):
            data = line.encode()
            self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
            self.wfile.flush()
            if i == 0 and gate:
                deadline = time.time() + 10
                while not os.path.exists(gate) and time.time() < deadline:
                    time.sleep(0.005)
                log({"gate": "released" if os.path.exists(gate) else "timeout"})
        self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()

    def stream_openai(self):
        lines = []
        for i in range(100):
            chunk = {"id": "chatcmpl-1", "object": "chat.completion.chunk", "created": 1, "model": "gpt-test",
                     "choices": [{"index": 0, "delta": {"content": f"t{i} "}, "finish_reason": None}]}
            lines.append(f"data: {json.dumps(chunk)}\n\n")
        lines.append("data: [DONE]\n\n")
        self.events(lines)

    def stream_plain(self):
        self.events([f"data: event {i}\n\n" for i in range(100)])

    def upgrade(self):
        self.send_response(101)
        self.send_header("Upgrade", "websocket")
        self.send_header("Connection", "Upgrade")
        self.send_header("Sec-WebSocket-Accept", "fake")
        self.end_headers()
        self.wfile.flush()
        while True:
            data = self.connection.recv(65536)
            if not data:
                break
            self.connection.sendall(b"echo:" + data)
        self.close_connection = True

    def log_message(self, *args):
        pass


class Server(http.server.ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        # A client that hangs up before the answer (a test that got what it needed, a
        # proxy that refused the request) is not an error of this server.
        if isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            return
        super().handle_error(request, client_address)


server = Server(("127.0.0.1", 0), Handler)
server.daemon_threads = True
if tls_dir:
    cert, key = make_certificates(tls_dir)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    context.set_alpn_protocols(["http/1.1"])
    server.socket = context.wrap_socket(server.socket, server_side=True)
print(server.server_address[1], flush=True)
server.serve_forever()
