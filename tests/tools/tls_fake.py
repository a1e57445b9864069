#!/usr/bin/env python3
"""An HTTPS server on 127.0.0.1 with a certificate nobody trusts (self-signed, made
here with openssl), answering 200 to anything. Prints its port, then one line
`request METHOD PATH` per request it gets: a client that verifies TLS sends none.

    tls_fake.py DIR
"""
import http.server, os, ssl, subprocess, sys

directory = sys.argv[1]
cert, key = os.path.join(directory, "cert.pem"), os.path.join(directory, "key.pem")
subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
                "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", key, "-out", cert],
               check=True, capture_output=True)

class Handler(http.server.BaseHTTPRequestHandler):
    def answer(self):
        print(f"request {self.command} {self.path}", flush=True)
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b"{}")
    do_GET = do_POST = answer
    def log_message(self, *args):
        pass

server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
context.load_cert_chain(cert, key)
server.socket = context.wrap_socket(server.socket, server_side=True)
print(server.server_address[1], flush=True)
server.serve_forever()
