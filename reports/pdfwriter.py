"""A PDF written as it goes: each object goes out as soon as it is given, so that what the
writer holds is its cross-reference table (three numbers an object) and the last hundred
small objects, never the document.

Object numbers are handed out first (``reserve``), so that an object may point at one that
is written later (the page tree, the overlay's forms). Small objects are packed into
compressed object streams, a hundred at a time, as qpdf packs them; streams are written as
they are. The file ends with a cross-reference stream (PDF 1.5) and an identifier digested
from everything written before it: the same objects make the same bytes.
"""

from __future__ import annotations

import hashlib
import zlib
from array import array

#: Small objects packed into one object stream (qpdf's default too).
OBJECTS_PER_STREAM = 100


class PdfWriter:
    """Writes to ``output`` (a binary file, written in order, never read or sought)."""

    def __init__(self, output, version: str = "1.7"):
        self.output = output
        self.offset = 0
        self.digest = hashlib.md5(usedforsecurity=False)
        # Per object number: its cross-reference entry (type, field 2, field 3).
        self.kinds = array("B", [0])
        self.field2 = array("Q", [0])
        self.field3 = array("I", [65535])
        self.batch: list[tuple[int, bytes]] = []
        self.next_number = 1
        self._write(b"%PDF-" + version.encode() + b"\n%\xe2\xe3\xcf\xd3\n")

    def _write(self, data: bytes) -> None:
        self.output.write(data)
        self.digest.update(data)
        self.offset += len(data)

    def reserve(self) -> int:
        """A new object number, for an object written later."""
        number = self.next_number
        self.next_number += 1
        return number

    def add(self, number: int, body: bytes) -> None:
        """Object ``number`` (reserved) is ``body``, which is no stream."""
        self.batch.append((number, body))
        if len(self.batch) >= OBJECTS_PER_STREAM:
            self._flush()

    def add_stream(self, number: int, dictionary: bytes, data: bytes) -> None:
        """Object ``number`` (reserved) is a stream of ``data`` as it is stored (filters and
        all), ``dictionary`` its dictionary without a length, which it is given here."""
        self._entry(number, 1, self.offset)
        head = b"%d 0 obj\n<<%s /Length %d>>\nstream\n" % (number, dictionary, len(data))
        self._write(head)
        self._write(data)
        self._write(b"\nendstream\nendobj\n")

    def _entry(self, number: int, kind: int, field2: int, field3: int = 0) -> None:
        if number >= len(self.kinds):
            more = max(number + 1, self.next_number) - len(self.kinds)
            self.kinds.frombytes(bytes(more))
            self.field2.extend([0] * more)
            self.field3.extend([0] * more)
        elif self.kinds[number]:
            raise ValueError(f"object {number} written twice")
        self.kinds[number], self.field2[number], self.field3[number] = kind, field2, field3

    def _flush(self) -> None:
        """Write the pending small objects as one compressed object stream."""
        if not self.batch:
            return
        number = self.reserve()
        header, bodies, at = [], [], 0
        for index, (object_number, body) in enumerate(self.batch):
            self._entry(object_number, 2, number, index)
            header.append(b"%d %d" % (object_number, at))
            bodies.append(body)
            at += len(body) + 1
        header = b" ".join(header) + b"\n"
        data = zlib.compress(header + b"\n".join(bodies))
        self.add_stream(
            number,
            b"/Type /ObjStm /N %d /First %d /Filter /FlateDecode" % (len(self.batch), len(header)),
            data,
        )
        self.batch = []

    def close(self, root: int, info: int | None = None) -> None:
        """Write what is pending and the cross-reference stream, whose trailer names the
        catalogue ``root`` and the document information ``info``. Every reserved number must
        have been written."""
        self._flush()
        number = self.reserve()
        self._entry(number, 1, self.offset)
        missing = [n for n in range(1, len(self.kinds)) if not self.kinds[n]]
        if missing:
            raise ValueError(f"objects reserved and never written: {missing[:10]}")
        identifier = self.digest.hexdigest().encode()
        rows = bytearray()
        for n in range(len(self.kinds)):
            rows += self.kinds[n].to_bytes(1, "big")
            rows += self.field2[n].to_bytes(4, "big")
            rows += self.field3[n].to_bytes(2, "big")
        data = zlib.compress(bytes(rows))
        trailer = b"/Type /XRef /Size %d /W [1 4 2] /Root %d 0 R" % (len(self.kinds), root)
        if info is not None:
            trailer += b" /Info %d 0 R" % info
        trailer += b" /ID [<%s><%s>] /Filter /FlateDecode" % (identifier, identifier)
        start = self.offset
        self._write(b"%d 0 obj\n<<%s /Length %d>>\nstream\n" % (number, trailer, len(data)))
        self._write(data)
        self._write(b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % start)
