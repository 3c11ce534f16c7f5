"""Tagged PDF (PDF/UA-1) from WeasyPrint: the language of each passage in the structure tree.

WeasyPrint 70 writes the structure tree of ``pdf_variant="pdf/ua-1"`` (headings, paragraphs,
tables with TH and their headers, figures with the ``<title>`` of an SVG as /Alt, links,
the document's /Lang and /Title) but no /Lang on the structure elements: a screen reader would
read the Chinese columns of a bilingual report with an English voice. ``install()`` wraps its
tree builder so that every structure element whose box is in another language than its parent
carries that language as /Lang, and so does every element written with a ``lang`` attribute
(the passages marked as English or Chinese). A box's language is WeasyPrint's computed
``lang``: from a ``lang`` attribute, or from ``-weasy-lang`` in the style sheet (report.css
sets it on the columns by class, which keeps WeasyPrint's shared computed styles, see
bench/README.md).
"""

from __future__ import annotations

import pydyf
from weasyprint.formatting_structure import boxes
from weasyprint.layout.absolute import AbsolutePlaceholder
from weasyprint.pdf import tags

#: Set on a box by its parent's builder: the language its structure element inherits, and
#: the parent's HTML element (an anonymous box shares its element with its parent).
PARENT_LANG = "_tagged_parent_lang"


def _children(box):
    """The boxes whose structure elements are children of ``box``'s (as WeasyPrint's builder
    walks them: the contents of line boxes, the rows of a wrapped table)."""
    for child in getattr(box, "children", ()):
        if isinstance(child, boxes.LineBox | boxes.TableBox):
            yield from getattr(child, "children", ())
        yield child


def _with_lang(build):
    def build_box_tree(box, parent, pdf, *args):
        real = box._box if isinstance(box, AbsolutePlaceholder) else box
        lang = real.style["lang"] if real.style is not None else None
        for child in _children(real):
            setattr(child, PARENT_LANG, (lang, real.element))
        # html, body and pages pass their children's elements through; margin boxes none.
        own = not (
            isinstance(real, boxes.PageBox | boxes.MarginBox)
            or (real.element is not None and real.element_tag in ("html", "body"))
        )
        inherited, parent_element = getattr(real, PARENT_LANG, (None, None))
        marked = (
            own
            and bool(lang)
            and (
                (inherited is not None and lang != inherited)
                # The element's own box, not the anonymous boxes inside it.
                or (
                    real.element is not None
                    and real.element is not parent_element
                    and real.element.get("lang") is not None
                )
            )
        )
        for element in build(box, parent, pdf, *args):
            if marked:
                element["Lang"] = pydyf.String(lang)
            yield element

    build_box_tree.tagged_lang = True
    return build_box_tree


def install() -> None:
    """Wrap WeasyPrint's structure tree builder (once; its recursion goes through the wrap)."""
    if not getattr(tags._build_box_tree, "tagged_lang", False):
        tags._build_box_tree = _with_lang(tags._build_box_tree)
