"""Kernel-timestamped record of the TCP packets sent to one port on loopback (root; no pytest in here).

``TCPTrace(port)`` opens a packet socket on ``lo`` (AF_PACKET, cooked: each packet starts at its
IPv4 header) with a BPF filter that passes only TCP segments to or from ``port``, and the
kernel's receive timestamp on every packet (SO_TIMESTAMPNS): the times are when the segment went
through loopback, not when a Python thread got round to reading it, so they survive a loaded
machine. (Some kernels show a loopback packet twice, outgoing and incoming; connections() keeps the
first of each.)

Used to prove a retry schedule on the wire: every connection attempt is a SYN to the port,
the end of an attempt the client's FIN or RST, whether a server listens (accepts, never answers)
or not (the kernel answers RST: connection refused).
"""

from __future__ import annotations

import ctypes
import socket
import struct
import threading

ETH_P_IP = 0x0800
SO_ATTACH_FILTER = 26
SO_TIMESTAMPNS = getattr(socket, "SO_TIMESTAMPNS", 35)
SOL_PACKET = 263
PACKET_STATISTICS = 6
FIN, SYN, RST, ACK = 0x01, 0x02, 0x04, 0x10


def _bpf_tcp_port(port):
    """Classic BPF: IPv4, TCP, not a fragment, source or destination port == port."""
    insns = [
        (0x30, 0, 0, 9),  # ldb [9]               protocol
        (0x15, 0, 8, 6),  # jeq #6 (TCP)          else drop
        (0x28, 0, 0, 6),  # ldh [6]               flags + fragment offset
        (0x45, 6, 0, 0x1FFF),  # jset #0x1fff     a fragment: drop
        (0xB1, 0, 0, 0),  # ldxb 4*([0]&0xf)      IP header length
        (0x48, 0, 0, 0),  # ldh [x+0]             source port
        (0x15, 2, 0, port),  # jeq #port          accept
        (0x48, 0, 0, 2),  # ldh [x+2]             destination port
        (0x15, 0, 1, port),  # jeq #port          accept, else drop
        (0x06, 0, 0, 0xFFFF),  # ret #65535       accept
        (0x06, 0, 0, 0),  # ret #0                drop
    ]
    return insns


class TCPTrace:
    """``with TCPTrace(port) as trace:`` ... ``trace.packets``: [(seconds, sport, dport, flags)]."""

    def __init__(self, port):
        self.port = port
        self.packets = []
        self._stop = threading.Event()
        self._sock = socket.socket(socket.AF_PACKET, socket.SOCK_DGRAM, socket.htons(ETH_P_IP))
        program = _bpf_tcp_port(port)
        self._filter = ctypes.create_string_buffer(b"".join(struct.pack("HBBI", *insn) for insn in program))
        fprog = struct.pack("HL", len(program), ctypes.addressof(self._filter))
        self._sock.setsockopt(socket.SOL_SOCKET, SO_ATTACH_FILTER, fprog)
        self._sock.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
        self._sock.bind(("lo", ETH_P_IP))
        self._sock.settimeout(0.05)
        self._thread = threading.Thread(target=self._read, daemon=True)
        self.dropped = None

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join(5)
        # tp_packets, tp_drops: packets the kernel could not queue for us (a full buffer)
        _packets, self.dropped = struct.unpack("II", self._sock.getsockopt(SOL_PACKET, PACKET_STATISTICS, 8))
        self._sock.close()

    def _read(self):
        space = socket.CMSG_SPACE(16)
        while not self._stop.is_set():
            try:
                data, ancillary, _flags, _address = self._sock.recvmsg(256, space)
            except TimeoutError:
                continue
            except OSError:
                return
            stamp = None
            for level, kind, value in ancillary:
                if level == socket.SOL_SOCKET and kind == SO_TIMESTAMPNS:
                    seconds, nanoseconds = struct.unpack("qq", value[:16])
                    stamp = seconds + nanoseconds / 1e9
            header = (data[0] & 0x0F) * 4
            sport, dport = struct.unpack("!HH", data[header : header + 4])
            flags = data[header + 13]
            self.packets.append((stamp, sport, dport, flags))

    # -- reading the record --------------------------------------------------------

    def connections(self):
        """Client connections to the port, in order: [(time of the SYN, time of the client's first
        FIN or RST or None, client port)]."""
        found = {}
        for stamp, sport, dport, flags in self.packets:
            if dport != self.port:
                continue
            if flags & SYN and not flags & ACK and sport not in found:
                found[sport] = [stamp, None]
            elif flags & (FIN | RST) and sport in found and found[sport][1] is None:
                found[sport][1] = stamp
        return sorted((start, end, sport) for sport, (start, end) in found.items())
