#!/usr/bin/env python3
"""A webhook receiver for the end-to-end tests, on loopback.

  webhook-receiver.py --port-file F --log F [--port N] [--secret-file S] [--delay SECONDS]

Binds 127.0.0.1 (port 0 = a free one, written to --port-file once it
listens).  Every request is logged as one JSON line: path, method, the
X-Workflow-* headers, the body, whether the body is valid JSON, and whether
the signature is valid for the secret (checked the way a real receiver
should: hmac.compare_digest).  The path picks the answer:
  /fail -> 500, /hang -> never answers, anything else -> 200,
after --delay seconds (a slow receiver); a body holding "poison" -> 422
(an event this receiver will never take).
"""
import argparse, hashlib, hmac, json, os, threading, time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

args = None
log_lock = threading.Lock()


def secret():
    if not args.secret_file:
        return None
    with open(args.secret_file, 'rb') as f:
        return f.read().rstrip(b'\r\n')


def signature_ok(body, header):
    key = secret()
    if key is None or header is None:
        return None
    expected = 'sha256=' + hmac.new(key, body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, header)


class Handler(BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'

    def log_message(self, fmt, *a):
        pass

    def handle_any(self):
        n = int(self.headers.get('Content-Length') or 0)
        body = self.rfile.read(n) if n else b''
        try:
            json.loads(body)
            json_ok = True
        except Exception:
            json_ok = False
        rec = {
            'path': self.path, 'method': self.command,
            'event': self.headers.get('X-Workflow-Event'),
            'delivery': self.headers.get('X-Workflow-Delivery'),
            'signature': self.headers.get('X-Workflow-Signature-256'),
            'signature_ok': signature_ok(body, self.headers.get('X-Workflow-Signature-256')),
            'content_type': self.headers.get('Content-Type'),
            'json_ok': json_ok,
            'body': body.decode('utf-8', 'replace'),
        }
        with log_lock, open(args.log, 'a') as f:
            f.write(json.dumps(rec) + '\n')
            f.flush()
        if args.delay:
            time.sleep(args.delay)
        if self.path.startswith('/hang'):
            time.sleep(3600)
            return
        code = 500 if self.path.startswith('/fail') else 422 if b'poison' in body else 200
        out = b'{"ok":%s}\n' % (b'false' if code != 200 else b'true')
        self.send_response(code)
        self.send_header('Content-Type', 'application/json')
        self.send_header('Content-Length', str(len(out)))
        self.end_headers()
        self.wfile.write(out)

    do_POST = do_PUT = do_GET = handle_any


def main():
    global args
    p = argparse.ArgumentParser()
    p.add_argument('--port', type=int, default=0)
    p.add_argument('--port-file', required=True)
    p.add_argument('--log', required=True)
    p.add_argument('--secret-file')
    p.add_argument('--delay', type=float, default=0)
    args = p.parse_args()
    ThreadingHTTPServer.daemon_threads = True
    ThreadingHTTPServer.allow_reuse_address = True
    srv = ThreadingHTTPServer(('127.0.0.1', args.port), Handler)
    tmp = args.port_file + '.tmp'
    with open(tmp, 'w') as f:
        f.write('%d\n' % srv.server_address[1])
    os.rename(tmp, args.port_file)
    srv.serve_forever()


if __name__ == '__main__':
    main()
