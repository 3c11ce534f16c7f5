"""The structure trees of a tagged report's parts, merged into one (PDF/UA-1 in parts).

pypdf appends the parts' pages but not their structure trees (it even drops each page's
``/StructParents``), and neither pypdf nor qpdf/pikepdf merges them (qpdf issue #490). So
after ``merge`` has appended the pages, each part's tree is copied here element by element:

- one ``Document`` element: the front matter's, with every other part's top-level elements
  as its children after the front's own, each re-pointed to it (``/P``);
- each element's ``/Pg`` (and a marked-content reference's) is the merged page of the same
  part and number; an object reference's ``/Obj`` is the merged copy of its annotation;
- the parent tree's keys are offset per part, and so are the pages' ``/StructParents`` and
  the annotations' ``/StructParent`` that point into it;
- structure ids (``/ID``, and the table cells' ``/Headers`` that name them) get the part's
  prefix, so two parts' ``th-1`` stay apart, and the ``/IDTree`` is rebuilt;
- the links ``merge`` adds (the contents' entries pointing into later parts) become ``Link``
  elements with an object reference, at the end of the front matter's elements.

The merged pages' overlay (running title, "Page x of y") is drawn as an artifact (``merge``).
"""

from __future__ import annotations

from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    NullObject,
    NumberObject,
    TextStringObject,
)

STRUCT_ELEMENT = NameObject("/StructElem")
# A struct element's entries copied as they are (names, strings, numbers, attribute dicts).
PLAIN_KEYS = ("/S", "/Alt", "/Lang", "/ActualText", "/E", "/T", "/C", "/R")


def _resolved(value):
    return value.get_object() if isinstance(value, IndirectObject) else value


def _key(value) -> tuple:
    """An object's identity in its reader: its object number, or the Python object's."""
    if isinstance(value, IndirectObject):
        return ("ref", value.idnum)
    return ("id", id(value))


def _number_tree(node) -> list[tuple[int, object]]:
    """A number tree's (key, value) pairs, flattened, values unresolved."""
    node = _resolved(node)
    pairs = []
    nums = node.get("/Nums")
    if nums is not None:
        nums = _resolved(nums)
        pairs += [(int(nums[i]), nums[i + 1]) for i in range(0, len(nums), 2)]
    for kid in _resolved(node.get("/Kids", ArrayObject())):
        pairs += _number_tree(kid)
    return pairs


class _PartCopy:
    """One part's structure tree copied into ``writer``: its pages start at ``first_page``
    of the merged document and its parent-tree keys at ``key_offset``."""

    def __init__(self, writer, reader, number: int, first_page: int, key_offset: int):
        self.writer, self.prefix = writer, f"p{number}-"
        self.key_offset = key_offset
        self.pages = {
            page.indirect_reference.idnum: writer.pages[first_page + index]
            for index, page in enumerate(reader.pages)
        }
        # The merged annotations by their (unchanged) /StructParent key.
        self.annotations = {}
        for index in range(len(reader.pages)):
            for annotation in writer.pages[first_page + index].get("/Annots", ()):
                parent = annotation.get_object().get("/StructParent")
                if parent is not None:
                    self.annotations[int(parent)] = annotation
        self.copied: dict[tuple, IndirectObject] = {}
        self.ids: list[tuple[str, IndirectObject]] = []

    def page_ref(self, page):
        key = page.idnum if isinstance(page, IndirectObject) else None
        merged = self.pages.get(key)
        return None if merged is None else merged.indirect_reference

    def element(self, source, parent_ref) -> IndirectObject:
        """A copy of the structure element ``source`` under ``parent_ref``, recursively."""
        original = _resolved(source)
        copy = DictionaryObject({NameObject("/Type"): STRUCT_ELEMENT})
        ref = self.writer._add_object(copy)
        self.copied[_key(source)] = ref
        copy[NameObject("/P")] = parent_ref
        for name in PLAIN_KEYS:
            if name in original:
                copy[NameObject(name)] = _resolved(original[name]).clone(self.writer)
        if "/A" in original:
            copy[NameObject("/A")] = self.attributes(_resolved(original["/A"]))
        if "/ID" in original:
            copy[NameObject("/ID")] = TextStringObject(self.prefix + str(original["/ID"]))
            self.ids.append((str(copy["/ID"]), ref))
        page = self.page_ref(original.raw_get("/Pg")) if "/Pg" in original else None
        if page is not None:
            copy[NameObject("/Pg")] = page
        kids = original.get("/K")
        if kids is not None:
            kids = _resolved(kids)
            kids = kids if isinstance(kids, ArrayObject) else ArrayObject([kids])
            copy[NameObject("/K")] = ArrayObject(self.kid(kid, ref) for kid in kids)
        return ref

    def kid(self, source, parent_ref):
        value = _resolved(source)
        if not isinstance(value, DictionaryObject):
            return NumberObject(int(value))  # a marked-content id on the element's page
        kind = value.get("/Type")
        if kind == "/MCR":
            mcr = DictionaryObject(
                {NameObject("/Type"): NameObject("/MCR"), NameObject("/MCID"): value["/MCID"]}
            )
            if "/Pg" in value:
                mcr[NameObject("/Pg")] = self.page_ref(value.raw_get("/Pg"))
            return mcr
        if kind == "/OBJR":
            annotation = _resolved(value["/Obj"])
            merged = self.annotations.get(int(annotation.get("/StructParent", -1)))
            objr = DictionaryObject({NameObject("/Type"): NameObject("/OBJR")})
            if merged is not None:
                objr[NameObject("/Obj")] = merged
            if "/Pg" in value:
                objr[NameObject("/Pg")] = self.page_ref(value.raw_get("/Pg"))
            return objr
        return self.element(source, parent_ref)

    def attributes(self, value):
        """A copy of an element's attributes, its table headers' ids prefixed."""
        if isinstance(value, ArrayObject):
            return ArrayObject(self.attributes(_resolved(item)) for item in value)
        if not isinstance(value, DictionaryObject):
            return value.clone(self.writer)
        copy = DictionaryObject()
        for name, item in value.items():
            item = _resolved(item)
            if name == "/Headers":
                item = ArrayObject(TextStringObject(self.prefix + str(h)) for h in item)
            else:
                item = item.clone(self.writer)
            copy[NameObject(name)] = item
        return copy


def _top_elements(root) -> list:
    """The elements under a part's Document element (or its root's, if it has none)."""
    kids = _resolved(root.get("/K", ArrayObject()))
    kids = list(kids) if isinstance(kids, ArrayObject) else [kids]
    if len(kids) == 1 and _resolved(kids[0]).get("/S") == "/Document":
        document = _resolved(kids[0])
        inner = _resolved(document.get("/K", ArrayObject()))
        return list(inner) if isinstance(inner, ArrayObject) else [inner]
    return kids


def merge_structure(writer, readers: list, links: list) -> None:
    """Give ``writer`` (the parts' pages appended in the order of ``readers``) one structure
    tree made of the readers' trees; ``links`` are (page index, annotation reference) of the
    link annotations ``merge`` added, each then tagged as a ``Link`` element."""
    root = DictionaryObject({NameObject("/Type"): NameObject("/StructTreeRoot")})
    root_ref = writer._add_object(root)
    document = DictionaryObject(
        {NameObject("/Type"): STRUCT_ELEMENT, NameObject("/S"): NameObject("/Document")}
    )
    document_ref = writer._add_object(document)
    document[NameObject("/P")] = root_ref
    root[NameObject("/K")] = ArrayObject([document_ref])
    children, parent_tree, ids = ArrayObject(), [], []
    first_page = key_offset = front_children = 0
    for number, reader in enumerate(readers):
        source = reader.trailer["/Root"].get("/StructTreeRoot")
        if source is None:
            raise ValueError(f"part {number} of a tagged report has no structure tree")
        source = _resolved(source)
        part = _PartCopy(writer, reader, number, first_page, key_offset)
        for element in _top_elements(source):
            children.append(part.element(element, document_ref))
        pairs = _number_tree(source["/ParentTree"]) if "/ParentTree" in source else []
        for key, value in pairs:
            if isinstance(_resolved(value), ArrayObject):
                items = _resolved(value)
                mapped = ArrayObject(part.copied.get(_key(item), NullObject()) for item in items)
            else:  # an annotation's element, named by its reference
                mapped = part.copied.get(_key(value), NullObject())
            parent_tree.append((key + key_offset, mapped))
        for index, page in enumerate(reader.pages):
            if "/StructParents" in page:
                merged = writer.pages[first_page + index]
                merged[NameObject("/StructParents")] = NumberObject(
                    int(page["/StructParents"]) + key_offset
                )
        for annotation in part.annotations.values():
            annotation = annotation.get_object()
            annotation[NameObject("/StructParent")] = NumberObject(
                int(annotation["/StructParent"]) + key_offset
            )
        ids += part.ids
        key_offset += max((key for key, _ in pairs), default=-1) + 1
        first_page += len(reader.pages)
        if number == 0:
            front_children = len(children)
    next_key = key_offset
    tagged_links = ArrayObject()
    for page_index, annotation_ref in links:
        page = writer.pages[page_index]
        element = DictionaryObject(
            {
                NameObject("/Type"): STRUCT_ELEMENT,
                NameObject("/S"): NameObject("/Link"),
                NameObject("/P"): document_ref,
                NameObject("/Pg"): page.indirect_reference,
            }
        )
        element_ref = writer._add_object(element)
        element[NameObject("/K")] = ArrayObject(
            [
                DictionaryObject(
                    {
                        NameObject("/Type"): NameObject("/OBJR"),
                        NameObject("/Obj"): annotation_ref,
                        NameObject("/Pg"): page.indirect_reference,
                    }
                )
            ]
        )
        annotation_ref.get_object()[NameObject("/StructParent")] = NumberObject(next_key)
        parent_tree.append((next_key, element_ref))
        next_key += 1
        tagged_links.append(element_ref)
        # PDF/UA: a page with annotations orders them by its structure.
        page[NameObject("/Tabs")] = NameObject("/S")
    children[front_children:front_children] = tagged_links
    document[NameObject("/K")] = children
    nums = ArrayObject()
    for key, value in sorted(parent_tree, key=lambda pair: pair[0]):
        nums += [NumberObject(key), value]
    root[NameObject("/ParentTree")] = writer._add_object(
        DictionaryObject({NameObject("/Nums"): nums})
    )
    root[NameObject("/ParentTreeNextKey")] = NumberObject(next_key)
    if ids:
        names = ArrayObject()
        for name, ref in sorted(ids):
            names += [TextStringObject(name), ref]
        root[NameObject("/IDTree")] = DictionaryObject({NameObject("/Names"): names})
    writer._root_object[NameObject("/StructTreeRoot")] = root_ref
