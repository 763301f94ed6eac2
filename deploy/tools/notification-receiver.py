#!/usr/bin/env python3
"""Prints each notification Sessions delivers and answers 200. Usage: notification-receiver.py [port] (default 9000).
With SECRET=whsec_... in the environment it also checks the Standard Webhooks signature."""
import base64, hashlib, hmac, http.server, json, os, sys

class Receiver(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        msg_id, stamp = self.headers["webhook-id"], self.headers["webhook-timestamp"]
        key = base64.b64decode(os.environ.get("SECRET", "whsec_")[6:])
        mac = base64.b64encode(hmac.new(key, f"{msg_id}.{stamp}.".encode() + body, hashlib.sha256).digest()).decode()
        valid = "unchecked" if not key else "valid" if f"v1,{mac}" in self.headers["webhook-signature"].split() else "INVALID"
        print(f"{msg_id} signature {valid}:", json.dumps(json.loads(body), indent=2), flush=True)
        self.send_response(200); self.end_headers()

    def log_message(self, *args): pass

http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1]) if len(sys.argv) > 1 else 9000), Receiver).serve_forever()
