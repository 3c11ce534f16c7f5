"""A font's file read only when WeasyPrint needs it whole: 40 MB less in every PDF written.

WeasyPrint 70 copies the whole file of every font it draws with into a Python ``bytes`` as
soon as the font is first used (``pdf.fonts.Font.__init__``), although with HarfBuzz's
subsetter (which reads the face itself) the copy is only read when subsetting is not done or
fails, or to instance a variable font or strip colour glyphs. For the report's Noto Sans CJK
collections that is 20 MB a weight, private to each process that writes a PDF: measured at
2,000 activities, a worker writing its part held 189 MiB of which most was those copies,
which put the render and its workers at 394 MiB together (320 MiB without them).

``install()`` makes ``Font.file_content`` read the face's data on first use instead; every
assignment WeasyPrint makes (the subset, the static instance) replaces it as before, so the
PDF is the same, byte for byte.
"""

from __future__ import annotations

import threading

from weasyprint.pdf import fonts

#: WeasyPrint's own reader of a HarfBuzz face's (or blob's) bytes.
_face_data = fonts.get_hb_object_data
_init = fonts.Font.__init__
_CONTENT = "_file_content"
# While a Font is being made, its file is not read (WeasyPrint makes fonts while writing, one
# PDF at a time per process: ``rendering.ONE_PDF_AT_A_TIME``; the lock makes it sure).
_making = threading.Lock()


def _not_yet(*args, **kwargs):
    return None


def _init_without_data(self, *args, **kwargs):
    with _making:
        fonts.get_hb_object_data = _not_yet
        try:
            _init(self, *args, **kwargs)
        finally:
            fonts.get_hb_object_data = _face_data


def _file_content(self) -> bytes:
    content = self.__dict__.get(_CONTENT)
    if content is None:
        content = self.__dict__[_CONTENT] = _face_data(self.hb_face)
    return content


def _set_file_content(self, content) -> None:
    self.__dict__[_CONTENT] = content


def install() -> None:
    """Once per process; writing a PDF calls it (``rendering.write_pdf``)."""
    if getattr(fonts.Font, "lazy_file_content", False):
        return
    fonts.Font.__init__ = _init_without_data
    fonts.Font.file_content = property(_file_content, _set_file_content)
    fonts.Font.lazy_file_content = True
