"""The structure trees of a tagged report's parts, merged into one (PDF/UA-1 in parts).

qpdf appends the parts' pages but merges no structure trees (qpdf issue #490), so ``merge``
gives each part's tree to ``StructureMerge`` right after the part's pages:

- each part's tree is copied whole (``copy_foreign``: its elements' pages and annotations
  are the copies the pages brought along);
- one ``Document`` element, the front matter's, gets every other part's top-level elements
  as its children after its own, each re-pointed to it (``/P``);
- the parent tree's keys are offset per part, and so are the pages' ``/StructParents`` and
  the annotations' ``/StructParent`` that point into it;
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
    """One structure tree for ``merged`` made of its parts' trees, a part at a time: each
    part's (``add``) is copied while the part is open, right after its pages, so that the
    part can be closed before the next is opened; ``finish`` then gives ``merged`` the tree.
    """

    def __init__(self, merged: pikepdf.Pdf):
        self.merged = merged
        self.root = merged.make_indirect(Dictionary(Type=Name.StructTreeRoot))
        self.document = merged.make_indirect(
            Dictionary(Type=Name.StructElem, S=Name.Document, P=self.root)
        )
        self.root.K = Array([self.document])
        self.children: list = []
        self.parent_tree: list[tuple[int, object]] = []
        # Where the links ``finish`` tags go: after the front matter's own elements.
        self.front_children = 0
        self.key_offset = 0
        self.parts = 0

    def add(self, part: pikepdf.Pdf, first_page: int, *, front: bool = False) -> None:
        """Copy the tree of ``part``, whose pages are ``merged``'s from ``first_page``: after
        the trees added before, or before them all if it is the ``front`` matter's."""
        source = part.Root.get("/StructTreeRoot")
        if source is None:
            raise ValueError(f"part {self.parts} of a tagged report has no structure tree")
        copied = self.merged.copy_foreign(source)
        elements = _top_elements(copied)
        for element in elements:
            if isinstance(element, Dictionary):
                element.P = self.document
        if front:
            self.children[0:0] = elements
            self.front_children = len(elements)
        else:
            self.children += elements
        pairs = _number_tree(copied.ParentTree) if "/ParentTree" in copied else []
        offset = self.key_offset
        self.parent_tree += [(key + offset, value) for key, value in pairs]
        for index in range(len(part.pages)):
            page = self.merged.pages[first_page + index].obj
            if "/StructParents" in page:
                page.StructParents = int(page.StructParents) + offset
            for annotation in page.get("/Annots", ()):
                if "/StructParent" in annotation:
                    annotation.StructParent = int(annotation.StructParent) + offset
        self.key_offset += max((key for key, _ in pairs), default=-1) + 1
        self.parts += 1

    def finish(self, links: list) -> None:
        """Tag ``links``, (page index, annotation) of the link annotations ``merge`` added,
        as ``Link`` elements, and give ``merged`` the tree."""
        merged, document = self.merged, self.document
        tagged_links = []
        for page_index, annotation in links:
            page = merged.pages[page_index].obj
            element = merged.make_indirect(
                Dictionary(
                    Type=Name.StructElem,
                    S=Name.Link,
                    P=document,
                    Pg=page,
                    K=Array([Dictionary(Type=Name.OBJR, Obj=annotation, Pg=page)]),
                )
            )
            annotation.StructParent = self.key_offset
            self.parent_tree.append((self.key_offset, element))
            self.key_offset += 1
            tagged_links.append(element)
            # PDF/UA: a page with annotations orders them by its structure.
            page.Tabs = Name.S
        self.children[self.front_children : self.front_children] = tagged_links
        document.K = Array(self.children)
        nums = Array()
        for key, value in sorted(self.parent_tree, key=lambda pair: pair[0]):
            nums.append(key)
            nums.append(value)
        self.root.ParentTree = merged.make_indirect(Dictionary(Nums=nums))
        self.root.ParentTreeNextKey = self.key_offset
        merged.Root.StructTreeRoot = self.root
