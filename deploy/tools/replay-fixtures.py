#!/usr/bin/env python3
"""Replay the shared provider fixtures against a running Sessions instance.

Each fixture is minified the way its signatures.json was computed (JSON.stringify form) and POSTed with the headers
its README names: the recorded signature, or the source token where the vendor signs nothing. The sources and
secrets are those of src/Sessions.Service/appsettings.Development.json.

    python3 deploy/tools/replay-fixtures.py [--url http://localhost:5080] [--fixtures DIR] [--shuffle]

The fixtures are read from ../shared/fixtures beside the repository when it is there, else from the repository's own
copy in tests/fixtures.
"""
import argparse
import hashlib
import json
import pathlib
import random
import sys
import urllib.error
import urllib.request

# Tokens configured for the unsigned deliveries in appsettings.Development.json.
TOKENS = {"liveswitch": "dev-liveswitch-server-token", "eyeson-streamrec": "dev-streamrec-token"}


def minify(path: pathlib.Path) -> bytes:
    return json.dumps(json.loads(path.read_text(encoding="utf-8")), separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def deliveries(root: pathlib.Path):
    for provider in ("liveswitch", "dyte", "fastpix", "eyeson"):
        signatures = json.loads((root / provider / "signatures.json").read_text(encoding="utf-8"))
        for name, values in signatures["files"].items():
            body = minify(root / provider / name)
            if hashlib.sha256(body).hexdigest() != values["minified_sha256"]:
                sys.exit(f"{provider}/{name}: minified body does not match its recorded digest")
            source, headers, query = provider, {}, ""
            if provider == "liveswitch":
                if values["signature"]:
                    headers["X-ApplicationSignature"] = values["signature"]
                else:
                    query = "?token=" + TOKENS["liveswitch"]
            elif provider == "dyte":
                headers.update({k: values[k] for k in ("dyte-webhook-id", "dyte-uuid", "dyte-signature")})
            elif provider == "fastpix":
                headers["FastPix-Signature"] = values["signature"]
            elif name.startswith("streamrec/"):
                source, query = "eyeson-streamrec", "?token=" + TOKENS["eyeson-streamrec"]
            else:
                headers["X-Eyeson-Signature"] = values["signature"]
            yield f"{provider}/{name}", source, query, headers, body


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://localhost:5080")
    root = pathlib.Path(__file__).resolve().parents[2]
    shared = root.parent / "shared" / "fixtures"
    parser.add_argument("--fixtures", default=str(shared if shared.is_dir() else root / "tests" / "fixtures"))
    parser.add_argument("--shuffle", action="store_true", help="deliver in random order, as retries would")
    args = parser.parse_args()

    items = list(deliveries(pathlib.Path(args.fixtures)))
    if args.shuffle:
        random.shuffle(items)
    failures = 0
    for name, source, query, headers, body in items:
        request = urllib.request.Request(f"{args.url}/webhooks/{source}{query}", data=body, method="POST",
                                         headers={"Content-Type": "application/json", **headers})
        try:
            with urllib.request.urlopen(request) as response:
                outcomes = [e["outcome"] for e in json.load(response)["events"]]
                print(f"{response.status} {name}: {', '.join(outcomes)}")
        except urllib.error.HTTPError as error:
            failures += 1
            print(f"{error.code} {name}: {error.read().decode('utf-8', 'replace')}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
