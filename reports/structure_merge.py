"""The structure trees of a tagged report's parts, merged into one (PDF/UA-1 in parts).

qpdf appends the parts' pages but merges no structure trees (qpdf issue #490), so ``merge``
calls ``merge_structure`` once the pages are in:

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
        part.save(out, deterministic_id=True)
        return out.getvalue()


def merge_structure(merged: pikepdf.Pdf, parts: list[pikepdf.Pdf], links: list) -> None:
    """Give ``merged`` (the ``parts``' pages appended in order) one structure tree made of
    theirs; ``links`` are (page index, annotation) of the link annotations ``merge`` added,
    each then tagged as a ``Link`` element."""
    root = merged.make_indirect(Dictionary(Type=Name.StructTreeRoot))
    document = merged.make_indirect(Dictionary(Type=Name.StructElem, S=Name.Document, P=root))
    root.K = Array([document])
    children, parent_tree, front_children = [], [], 0
    first_page = key_offset = 0
    for number, part in enumerate(parts):
        source = part.Root.get("/StructTreeRoot")
        if source is None:
            raise ValueError(f"part {number} of a tagged report has no structure tree")
        copied = merged.copy_foreign(source)
        for element in _top_elements(copied):
            if isinstance(element, Dictionary):
                element.P = document
            children.append(element)
        if number == 0:
            front_children = len(children)
        pairs = _number_tree(copied.ParentTree) if "/ParentTree" in copied else []
        parent_tree += [(key + key_offset, value) for key, value in pairs]
        for index in range(len(part.pages)):
            page = merged.pages[first_page + index].obj
            if "/StructParents" in page:
                page.StructParents = int(page.StructParents) + key_offset
            for annotation in page.get("/Annots", ()):
                if "/StructParent" in annotation:
                    annotation.StructParent = int(annotation.StructParent) + key_offset
        key_offset += max((key for key, _ in pairs), default=-1) + 1
        first_page += len(part.pages)
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
        annotation.StructParent = key_offset
        parent_tree.append((key_offset, element))
        key_offset += 1
        tagged_links.append(element)
        # PDF/UA: a page with annotations orders them by its structure.
        page.Tabs = Name.S
    children[front_children:front_children] = tagged_links
    document.K = Array(children)
    nums = Array()
    for key, value in sorted(parent_tree, key=lambda pair: pair[0]):
        nums.append(key)
        nums.append(value)
    root.ParentTree = merged.make_indirect(Dictionary(Nums=nums))
    root.ParentTreeNextKey = key_offset
    merged.Root.StructTreeRoot = root
