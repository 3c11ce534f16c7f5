"""One source PDF's objects copied into a ``pdfwriter.PdfWriter``, renumbered, as they are
reached: the merge's way of taking a part without holding the report (``merge``).

qpdf (through pikepdf) parses the source; each object is written from its own syntax as qpdf
prints it, with its references renumbered. A reference is read only outside strings: qpdf
prints a string's parentheses escaped, or the string in hex, so no "1 0 R" inside one is
taken for a reference.
"""

from __future__ import annotations

import re
import zlib
from collections import deque

import pikepdf
from pikepdf import Dictionary, Name

_TOKENS = re.compile(rb"\((?:[^\\)]|\\.)*\)|<[0-9A-Fa-f]*>|(\d+) (\d+) R", re.S)


class Copy:
    """The objects of ``source`` that ``number`` or ``syntax`` reach, each given a number of
    ``writer``'s and written there by ``drain``, with what they reach in turn. An object
    ``stand_in`` made, or one ``fix`` named, stands for a number of the writer's own
    (the report's page tree, its structure tree) and is not written."""

    def __init__(self, writer, source: pikepdf.Pdf):
        self.writer = writer
        self.source = source
        self.numbers: dict[tuple[int, int], int] = {}
        self.pending: deque[tuple[int, int]] = deque()

    def fix(self, obj: pikepdf.Object, number: int) -> None:
        """References to ``obj`` become references to the writer's ``number``; ``obj`` itself
        is not copied."""
        self.numbers[obj.objgen] = number

    def stand_in(self, number: int) -> pikepdf.Object:
        """A new object of the source that stands for the writer's ``number``: put it where
        the copy should point there."""
        obj = self.source.make_indirect(Dictionary())
        self.fix(obj, number)
        return obj

    def write_as(self, obj: pikepdf.Object, number: int) -> None:
        """Copy ``obj`` (indirect) as the writer's ``number``, reserved before."""
        self.numbers[obj.objgen] = number
        self.pending.append(obj.objgen)

    def _number(self, objgen: tuple[int, int]) -> int:
        number = self.numbers.get(objgen)
        if number is None:
            number = self.numbers[objgen] = self.writer.reserve()
            self.pending.append(objgen)
        return number

    def number(self, obj: pikepdf.Object) -> int:
        """The writer's number of ``obj`` (indirect), copied by the next ``drain``."""
        return self._number(obj.objgen)

    def _renumbered(self, match: re.Match) -> bytes:
        # Called for every reference of every object copied: _number inlined.
        number = match[1]
        if number is None:
            return match[0]  # a string
        objgen = (int(number), int(match[2]))
        number = self.numbers.get(objgen)
        if number is None:
            number = self.numbers[objgen] = self.writer.reserve()
            self.pending.append(objgen)
        return b"%d 0 R" % number

    def syntax(self, obj) -> bytes:
        """``obj`` in PDF syntax with the writer's numbers: a reference if it is indirect."""
        if isinstance(obj, pikepdf.Object):
            if obj.is_indirect:
                return b"%d 0 R" % self.number(obj)
            return _TOKENS.sub(self._renumbered, obj.unparse())
        # A number, a boolean or None, as pikepdf gives an array's or dictionary's scalars.
        return pikepdf.Array([obj]).unparse()[2:-2]

    def drain(self) -> None:
        """Write every object reached and not written yet, and what they reach."""
        get, writer = self.source.get_object, self.writer
        while self.pending:
            objgen = self.pending.popleft()
            number = self.numbers[objgen]
            obj = get(objgen)
            if isinstance(obj, pikepdf.Stream):
                self._stream(number, obj)
            elif isinstance(obj, pikepdf.Object):
                writer.add(number, _TOKENS.sub(self._renumbered, obj.unparse(resolved=True)))
            else:  # a reference to nothing is a null
                writer.add(number, b"null")

    def _stream(self, number: int, stream: pikepdf.Stream) -> None:
        data = stream.read_raw_bytes()
        entries = [
            Name(key).unparse() + b" " + self.syntax(value)
            for key, value in stream.stream_dict.items()
            if key != "/Length"
        ]
        if "/Filter" not in stream and stream.get("/Type") != "/Metadata":
            # qpdf compresses what it writes uncompressed (a page made a form, say), but for
            # the XMP metadata, which readers (and PDF/A) expect as it is.
            data = zlib.compress(data)
            entries.append(b"/Filter /FlateDecode")
        self.writer.add_stream(number, b" ".join(entries), data)
