"""The structure trees of a tagged report's parts, merged into one (PDF/UA-1 in parts).

Neither qpdf nor pypdf merges structure trees (qpdf issue #490), so ``merge`` gives each
part's tree to ``StructureMerge`` while it copies the part's pages:

- each part's elements are copied with its pages (``pdfcopy``: an element's page and
  annotations are the copies of the part's);
- one ``Document`` element gets the front matter's top-level elements, then every part's
  in order, each re-pointed to it (``/P``);
- the parent tree's keys are offset per part, and so are the pages' ``/StructParents`` and
  the annotations' ``/StructParent`` that point into it; each part's entries are written at
  once, as a leaf of the report's parent tree (a number tree with ``/Kids``);
- the links ``merge`` adds (the contents' entries pointing into later parts) become ``Link``
  elements with an object reference, after the front matter's own elements.

Structure ids (WeasyPrint's table headers: ``26-0-1``, from an object number of the part)
would clash between parts: each part prefixes its own in its worker (``own_ids``).
"""

from __future__ import annotations

import hashlib
import io

import pikepdf
from pikepdf import Array, Dictionary, Name


def _number_tree(node) -> list[tuple[int, object]]:
    """A number tree's (key, value) pairs, flattened."""
    pairs = []
    nums = node.get("/Nums")
    if nums is not None:
        pairs += [(int(nums[i]), nums[i + 1]) for i in range(0, len(nums), 2)]
    for kid in node.get("/Kids", ()):
        pairs += _number_tree(kid)
    return pairs


def _as_list(kids) -> list:
    if kids is None:
        return []
    return list(kids) if isinstance(kids, Array) else [kids]


def _top_elements(root) -> list:
    """The elements under a tree's Document element (or its root's, if it has none)."""
    kids = _as_list(root.get("/K"))
    if len(kids) == 1 and isinstance(kids[0], Dictionary) and kids[0].get("/S") == "/Document":
        return _as_list(kids[0].get("/K"))
    return kids


def own_ids(pdf: bytes, html: str) -> bytes:
    """``pdf`` (a tagged part laid out from ``html``) with its structure ids, and the table
    cells' ``/Headers`` naming them, prefixed by a digest of its HTML: unique among the parts,
    and the same for the same report."""
    prefix = hashlib.sha256(html.encode()).hexdigest()[:8] + "-"
    with pikepdf.open(io.BytesIO(pdf)) as part:
        root = part.Root.get("/StructTreeRoot")
        if root is None:
            return pdf
        changed = False
        stack = _as_list(root.get("/K"))
        while stack:
            element = stack.pop()
            if not isinstance(element, Dictionary) or "/S" not in element:
                continue  # a marked-content id or an object reference
            if "/ID" in element:
                element.ID = pikepdf.String(prefix + str(element.ID))
                changed = True
            attributes = element.get("/A")
            if isinstance(attributes, Dictionary) and "/Headers" in attributes:
                attributes.Headers = Array(
                    pikepdf.String(prefix + str(h)) for h in attributes.Headers
                )
            stack += _as_list(element.get("/K"))
        if not changed:
            return pdf
        out = io.BytesIO()
        # A fixed /ID: the merge gives the report its own, so no digest of the part.
        part.save(out, static_id=True)
        return out.getvalue()


class StructureMerge:
    """One structure tree for the report ``writer`` writes, made of its parts' trees a part
    at a time (``add``, while the part's objects are copied); ``finish`` writes its root.
    What it holds for the report is the references to the top-level elements and to one
    leaf of the parent tree a part."""

    def __init__(self, writer):
        self.writer = writer
        self.root = writer.reserve()
        self.document = writer.reserve()
        # The Document element's children in PDF syntax, the front matter's first.
        self.children: list[bytes] = []
        # The parent tree: one leaf a part, in the order of their keys.
        self.leaves: list[int] = []
        self.key_offset = 0
        self.parts = 0

    def add(self, copy, part: pikepdf.Pdf, *, front: bool = False, links=()) -> None:
        """Copy the tree of ``part`` through ``copy`` (``pdfcopy.Copy``, drained after):
        its elements after those added before, or before them all if it is the ``front``
        matter's; ``links``, (page, annotation) added to the front matter, tagged as
        ``Link`` elements after its own."""
        source = part.Root.get("/StructTreeRoot")
        if source is None:
            raise ValueError(f"part {self.parts} of a tagged report has no structure tree")
        copy.fix(source, self.root)
        kids = _as_list(source.get("/K"))
        if len(kids) == 1 and isinstance(kids[0], Dictionary) and kids[0].get("/S") == "/Document":
            copy.fix(kids[0], self.document)
        document = copy.stand_in(self.document)
        elements = _top_elements(source)
        for element in elements:
            if isinstance(element, Dictionary):
                element.P = document
        pairs = _number_tree(source.ParentTree) if "/ParentTree" in source else []
        offset = self.key_offset
        entries = [(key + offset, value) for key, value in pairs]
        for page in part.pages:
            page = page.obj
            if "/StructParents" in page:
                page.StructParents = int(page.StructParents) + offset
            for annotation in page.get("/Annots", ()):
                if "/StructParent" in annotation:
                    annotation.StructParent = int(annotation.StructParent) + offset
        self.key_offset += max((key for key, _ in pairs), default=-1) + 1
        for page, annotation in links:
            element = part.make_indirect(
                Dictionary(
                    Type=Name.StructElem,
                    S=Name.Link,
                    P=document,
                    Pg=page,
                    K=Array([Dictionary(Type=Name.OBJR, Obj=annotation, Pg=page)]),
                )
            )
            annotation.StructParent = self.key_offset
            entries.append((self.key_offset, element))
            self.key_offset += 1
            elements.append(element)
            # PDF/UA: a page with annotations orders them by its structure.
            page.Tabs = Name.S
        children = [copy.syntax(element) for element in elements]
        if front:
            self.children[0:0] = children
        else:
            self.children += children
        if entries:
            entries.sort(key=lambda pair: pair[0])
            nums = b" ".join(b"%d %s" % (key, copy.syntax(value)) for key, value in entries)
            leaf = self.writer.reserve()
            self.writer.add(
                leaf,
                b"<< /Limits [%d %d] /Nums [%s] >>" % (entries[0][0], entries[-1][0], nums),
            )
            self.leaves.append(leaf)
        self.parts += 1

    def finish(self) -> int:
        """Write the tree's root, its Document element and its parent tree; returns the
        root's number."""
        writer = self.writer
        parent_tree = writer.reserve()
        leaves = b" ".join(b"%d 0 R" % leaf for leaf in self.leaves)
        writer.add(parent_tree, b"<< /Kids [%s] >>" % leaves if leaves else b"<< /Nums [] >>")
        writer.add(
            self.document,
            b"<< /Type /StructElem /S /Document /P %d 0 R /K [%s] >>"
            % (self.root, b" ".join(self.children)),
        )
        writer.add(
            self.root,
            b"<< /Type /StructTreeRoot /K [%d 0 R] /ParentTree %d 0 R /ParentTreeNextKey %d >>"
            % (self.document, parent_tree, self.key_offset),
        )
        return self.root
