"""The tagged report (PDF/UA-1): a structure tree with the document's language and each
passage's, the title shown as the window's title, table headers, and the charts' text
alternatives; ``pdfinfo`` reads it as tagged. The public plan PDF is tagged the same way."""

from __future__ import annotations

import io
import re
import shutil
import subprocess

import pikepdf
import pytest
from django.db import transaction

from reports import merge, parallel, services
from tests.reports.test_report_parallel import add_activities
from tests.reports.test_reports import AS_OF, render

pytestmark = [pytest.mark.django_db, pytest.mark.clock]


def walk(element, found: list) -> None:
    """Every structure element below ``element``, in order (marked-content ids left out)."""
    kids = element.get("/K")
    if kids is None:
        return
    if not isinstance(kids, pikepdf.Array):
        kids = [kids]
    for kid in kids:
        if isinstance(kid, pikepdf.Dictionary) and "/S" in kid and kid.get("/Type") != "/OBJR":
            found.append(kid)
            walk(kid, found)


def structure(pdf: bytes) -> tuple[pikepdf.Pdf, list]:
    document = pikepdf.open(io.BytesIO(pdf))
    elements: list = []
    walk(document.Root.StructTreeRoot, elements)
    return document, elements


@pytest.fixture(scope="module")
def bilingual(django_db_setup, django_db_blocker, _module_world):
    with django_db_blocker.unblock(), transaction.atomic():
        add_activities(_module_world, 12)
        pdf, _ = render(_module_world.plan, "bilingual", processes=1)
        transaction.set_rollback(True)
    return pdf


def langs_of(elements) -> set[str]:
    return {str(e.Lang).lower() for e in elements if "/Lang" in e}


def test_the_bilingual_report_is_tagged_with_both_languages(bilingual, world):
    document, elements = structure(bilingual)
    root = document.Root
    assert root.MarkInfo.Marked is True
    assert str(root.Lang) == "en"
    assert root.ViewerPreferences.DisplayDocTitle is True
    assert "Progress report as of" in str(document.docinfo.Title)
    assert elements and str(elements[0].S) == "/Document"
    assert {"en", "zh-hans"} <= langs_of(elements)
    kinds = {str(e.S) for e in elements}
    assert {"/H1", "/H2", "/P", "/Table", "/TH", "/TD", "/Figure"} <= kinds
    # Every page's content is in the parent tree, as WeasyPrint numbers it.
    for index, page in enumerate(document.pages):
        assert int(page.obj.StructParents) == index


def test_the_chinese_columns_of_the_activities_carry_their_language(bilingual, world):
    _, elements = structure(bilingual)
    zh = [e for e in elements if str(e.get("/Lang", "")).lower() == "zh-hans"]
    # Headings' spans, and whole blocks: the columns of the chapters, commitments, activities.
    assert any(str(e.S) == "/Div" for e in zh)
    assert any(str(e.S) == "/Span" for e in zh)


def test_every_chart_has_a_text_alternative_with_its_numbers(bilingual, world):
    _, elements = structure(bilingual)
    figures = [e for e in elements if str(e.S) == "/Figure"]
    assert len(figures) >= 2  # by status and over time (and each theme's funding)
    for figure in figures:
        assert str(figure.get("/Alt", "")).strip()
    alts = [str(figure.Alt) for figure in figures]
    status = next(alt for alt in alts if alt.startswith("Activities by status: 1. "))
    # Both languages, and the counts the bars show (the world's 12 activities, 4 completed).
    assert "各状态活动数量：1. " in status
    assert re.search(r"\b4 completed\b", status), status
    years = next(alt for alt in alts if alt.startswith("Activities started and completed"))
    assert re.search(r"2020: \d+ started, \d+ completed", years), years


def test_table_headers_are_th_with_their_scope(bilingual, world):
    _, elements = structure(bilingual)
    headers = [e for e in elements if str(e.S) == "/TH"]
    cells = [e for e in elements if str(e.S) == "/TD"]
    assert headers and cells
    # WeasyPrint ties each data cell to its column and row headers.
    assert all(len(cell.A.Headers) >= 1 for cell in cells if "/Headers" in cell.A)
    assert any(len(cell.A.get("/Headers", [])) >= 2 for cell in cells)


def test_a_chinese_report_is_in_chinese(world):
    pdf, _ = render(world.plan, "zh-hans", processes=1)
    document, elements = structure(pdf)
    assert str(document.Root.Lang).lower() == "zh-hans"
    assert "en" not in langs_of(elements)


@pytest.mark.skipif(not shutil.which("pdfinfo"), reason="poppler-utils not installed")
def test_pdfinfo_says_tagged(bilingual, world):
    done = subprocess.run(["pdfinfo", "-"], input=bilingual, capture_output=True, check=True)
    assert re.search(r"^Tagged:\s+yes$", done.stdout.decode(), re.MULTILINE)


def write_whole_plan(world, **options) -> tuple[int, bool]:
    """The processes that laid out the world's English report, and whether it is tagged."""
    output = io.BytesIO()
    kwargs = {"plan": world.plan, "theme": None, "language": "en", "as_of": AS_OF}
    result = services.write_report_pdf(output=output, **kwargs, **options)
    with pikepdf.open(io.BytesIO(output.getvalue())) as pdf:
        return result.processes, "/StructTreeRoot" in pdf.Root


def test_a_large_tagged_report_is_laid_out_in_parts_and_stays_tagged(world, settings, monkeypatch):
    settings.REPORT_RENDER_PROCESSES = 2
    monkeypatch.setattr(parallel, "PARALLEL_MIN_ACTIVITIES", 0)
    for processes in (None, 2):
        assert write_whole_plan(world, processes=processes) == (2, True)
    assert write_whole_plan(world, processes=1) == (1, True)
    # Untagged, the parts' PDF has no structure.
    settings.REPORT_TAGGED = False
    assert write_whole_plan(world) == (2, False)


# --- a tagged report laid out in parts: one structure tree made of the parts' ---------------


class OpenDocuments:
    """``pikepdf.open``, counting the documents this process has open at once."""

    def __init__(self, open_):
        self.open_, self.live, self.most = open_, 0, 0

    def __call__(self, *args, **kwargs):
        self.live += 1
        self.most = max(self.most, self.live)
        return _Counted(self, self.open_(*args, **kwargs))


class _Counted:
    def __init__(self, spy: OpenDocuments, pdf):
        self._spy, self._pdf = spy, pdf

    def __getattr__(self, name):
        return getattr(self._pdf, name)

    def __enter__(self):
        return self._pdf

    def __exit__(self, *exc):
        self.close()

    def close(self):
        self._spy.live -= 1
        self._pdf.close()


@pytest.fixture(scope="module")
def in_parts(django_db_setup, django_db_blocker, _module_world):
    """The bilingual report of 40 activities as one document and in parts (two workers,
    parts of 8 activities: a chapter is laid out in pieces), both tagged; and how many PDFs
    the merge had open at once."""
    with django_db_blocker.unblock(), transaction.atomic():
        add_activities(_module_world, 40)
        whole, _ = render(_module_world.plan, "bilingual", processes=1)
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(parallel, "PART_ACTIVITIES", 8)
            spy = OpenDocuments(pikepdf.open)
            patch.setattr(merge.pikepdf, "open", spy)
            parts, _ = render(_module_world.plan, "bilingual", processes=2)
        transaction.set_rollback(True)
    return whole, parts, spy.most


def kinds(elements) -> dict[str, int]:
    counts: dict[str, int] = {}
    for element in elements:
        counts[str(element.S)] = counts.get(str(element.S), 0) + 1
    return counts


def test_the_parts_tree_holds_what_the_whole_documents_does(in_parts, world):
    whole, parts, _ = in_parts
    _, whole_elements = structure(whole)
    document, elements = structure(parts)
    root = document.Root
    assert root.MarkInfo.Marked is True
    assert str(root.Lang) == "en"
    assert root.ViewerPreferences.DisplayDocTitle is True
    assert "/Metadata" in root
    # One Document element, holding every part's elements.
    assert str(elements[0].S) == "/Document"
    assert [str(e.S) for e in elements].count("/Document") == 1
    assert {"en", "zh-hans"} <= langs_of(elements)
    expected, found = kinds(whole_elements), kinds(elements)
    for kind in ("/H1", "/H2", "/H3", "/Table", "/TH", "/TD", "/Figure"):
        assert found.get(kind) == expected.get(kind), kind
    # The chapters' Chinese columns are as many as in the whole document.
    assert len([e for e in elements if "/Lang" in e]) == len(
        [e for e in whole_elements if "/Lang" in e]
    )


def _parent_tree(root) -> dict[int, object]:
    """The parent tree's entries, read as a reader reads them (a leaf a part, under /Kids)."""
    return dict(pikepdf.NumberTree(root.StructTreeRoot.ParentTree).items())


def test_every_page_and_link_of_the_parts_points_into_the_merged_tree(in_parts, world):
    _, parts, _ = in_parts
    document, elements = structure(parts)
    tree = _parent_tree(document.Root)
    assert int(document.Root.StructTreeRoot.ParentTreeNextKey) == max(tree) + 1
    keys = [int(page.obj.StructParents) for page in document.pages]
    assert len(set(keys)) == len(keys) == len(document.pages)
    for page, key in zip(document.pages, keys, strict=True):
        claimed = [e for e in tree[key] if isinstance(e, pikepdf.Dictionary)]
        assert claimed, f"page {key} has no tagged content"
        assert all(e.Pg.objgen == page.obj.objgen for e in claimed)
    links = 0
    for page in document.pages:
        for annotation in page.obj.get("/Annots", []):
            if annotation.get("/Subtype") != "/Link":
                continue
            links += 1
            # WeasyPrint's own links are the OBJR of the element around them (a Span, say).
            element = tree[int(annotation.StructParent)]
            objects = [
                k.Obj.objgen
                for k in element.K
                if isinstance(k, pikepdf.Dictionary) and k.get("/Type") == "/OBJR"
            ]
            assert annotation.objgen in objects
            assert str(annotation.get("/Contents", ""))
            assert page.obj.Tabs == "/S"
    assert links  # the contents' entries into the parts
    # Each element's parent is the element that lists it.
    for element in elements[1:]:
        assert any(kid.objgen == element.objgen for kid in element.P.K if hasattr(kid, "objgen"))


def test_the_parts_table_headers_stay_their_own(in_parts, world):
    _, parts, _ = in_parts
    document, elements = structure(parts)
    ids = [str(e.ID) for e in elements if "/ID" in e]
    assert len(ids) == len(set(ids))
    for cell in elements:
        for header in cell.get("/A", {}).get("/Headers", []) if "/A" in cell else []:
            assert str(header) in ids


def test_the_page_overlay_is_an_artifact(in_parts, world):
    _, parts, _ = in_parts
    document = pikepdf.open(io.BytesIO(parts))
    second = document.pages[1]
    streams = b"".join(c.read_bytes() for c in second.obj.Contents)
    assert streams.endswith(b"Q /Artifact <</Type /Pagination>> BDC q /ReportOverlay Do Q EMC\n")
    # Each page draws its own page of the overlay (its number); the cover none.
    forms = [page.obj.Resources.XObject.get("/ReportOverlay") for page in document.pages]
    assert forms[0] is None
    assert all(form.Subtype == "/Form" for form in forms[1:])
    assert len({form.objgen for form in forms[1:]}) == len(document.pages) - 1


@pytest.mark.skipif(not shutil.which("pdfinfo"), reason="poppler-utils not installed")
def test_the_merge_holds_one_part_open_at_a_time(in_parts):
    """qpdf keeps a part's parsed objects (some 5,000 in a tagged part of 120 activities,
    about 1 KB each) while it is open: with every part open the merge of 2,000 activities
    took 310 MiB, one at a time 180 MiB."""
    _, parts, most_open = in_parts
    assert pikepdf.open(io.BytesIO(parts)).Root.StructTreeRoot
    assert most_open == 1


def test_pdfinfo_says_the_parts_report_is_tagged(in_parts, world):
    done = subprocess.run(["pdfinfo", "-"], input=in_parts[1], capture_output=True, check=True)
    assert re.search(r"^Tagged:\s+yes$", done.stdout.decode(), re.MULTILINE)


def test_qpdf_finds_nothing_wrong_with_the_merged_report(in_parts):
    """The merge writes the report itself (``pdfwriter``): its cross-references, object
    streams and every reference check out."""
    _, parts, _ = in_parts
    with pikepdf.open(io.BytesIO(parts)) as document:
        assert document.check_pdf_syntax() == []
        assert len(document.pages) > 1
