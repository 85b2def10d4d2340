"""A tiny DNS responder for the tests (UDP, A records only; standard library, no pytest in here).

Run inside a network namespace the test made (tests/harness/netns.py), as the only server of that
namespace's resolv.conf::

    ip netns exec NS python3 tests/harness/dns_server.py --listen 198.18.200.53 --log queries.jsonl \\
        --address smtp.liferay.test=198.18.200.25 --nxdomain mail.liferay.test --silent slow.liferay.test

Answers, authoritatively: an ``--address`` name with its A record (other types of that name: no data);
an ``--nxdomain`` name, and every name it was not told about, with NXDOMAIN; a ``--silent`` name not at
all. Every query is appended to the ``--log`` file as one JSON object per line (name, type, what was
done), so a test can tell which lookups reached it. Prints ``ready`` once it listens; runs until killed.
"""

from __future__ import annotations

import argparse
import json
import socket
import struct
import sys
import time

TYPES = {1: "A", 2: "NS", 5: "CNAME", 6: "SOA", 12: "PTR", 15: "MX", 16: "TXT", 28: "AAAA", 33: "SRV", 65: "HTTPS"}
NOERROR, FORMERR, NXDOMAIN = 0, 1, 3


def parse_query(data):
    """-> (id, flags, lower-case name, qtype, the question section's bytes)."""
    ident, flags, qdcount = struct.unpack("!3H", data[:6])
    if qdcount != 1:
        raise ValueError("%d questions" % qdcount)
    labels, pos = [], 12
    while data[pos]:
        length = data[pos]
        if length & 0xC0:
            raise ValueError("a compressed name in the question")
        labels.append(data[pos + 1 : pos + 1 + length].decode("ascii"))
        pos += 1 + length
    qtype, _qclass = struct.unpack("!HH", data[pos + 1 : pos + 5])
    return ident, flags, ".".join(labels).lower(), qtype, data[12 : pos + 5]


def response(ident, flags, question, rcode, addresses=()):
    """An authoritative answer to the question: rcode and A records (the name by pointer to offset 12)."""
    out_flags = 0x8000 | (flags & 0x7800) | 0x0400 | (flags & 0x0100) | rcode  # QR, opcode, AA, RD, RCODE
    header = struct.pack("!6H", ident, out_flags, 1 if question else 0, len(addresses), 0, 0)
    records = b"".join(struct.pack("!HHHIH", 0xC00C, 1, 1, 60, 4) + socket.inet_aton(a) for a in addresses)
    return header + question + records


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--listen", required=True, help="IPv4 address to listen on (UDP)")
    parser.add_argument("--port", type=int, default=53)
    parser.add_argument("--log", required=True, help="file the queries are appended to (JSON lines)")
    parser.add_argument("--address", action="append", default=[], metavar="NAME=IPV4")
    parser.add_argument("--nxdomain", action="append", default=[], metavar="NAME")
    parser.add_argument("--silent", action="append", default=[], metavar="NAME")
    args = parser.parse_args(argv)
    addresses = {}
    for item in args.address:
        name, _, address = item.partition("=")
        addresses.setdefault(name.lower().rstrip("."), []).append(address)
    silent = {name.lower().rstrip(".") for name in args.silent}

    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind((args.listen, args.port))
    print("ready", flush=True)
    with open(args.log, "a", encoding="utf-8") as log:
        while True:
            data, peer = sock.recvfrom(4096)
            try:
                ident, flags, name, qtype, question = parse_query(data)
            except (ValueError, IndexError, struct.error, UnicodeDecodeError) as exc:
                log.write(json.dumps({"time": time.time(), "error": str(exc)}) + "\n")
                log.flush()
                if len(data) >= 2:
                    sock.sendto(response(struct.unpack("!H", data[:2])[0], 0, b"", FORMERR), peer)
                continue
            kind = TYPES.get(qtype, str(qtype))
            if name in silent:
                done = "no answer"
            elif name in addresses:
                records = addresses[name] if qtype == 1 else []
                sock.sendto(response(ident, flags, question, NOERROR, records), peer)
                done = "A %s" % ",".join(records) if records else "no data"
            else:
                sock.sendto(response(ident, flags, question, NXDOMAIN), peer)
                done = "NXDOMAIN"
            log.write(json.dumps({"time": time.time(), "name": name, "type": kind, "done": done}) + "\n")
            log.flush()


if __name__ == "__main__":
    sys.exit(main())
