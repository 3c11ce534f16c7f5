"""The bounds of every text and date (core.inputs): one table, checked by every service."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from cooperation.models import Activity, StatusUpdate
from core import inputs
from core.dates import EARLIEST_DATE, LATEST_DATE
from events.models import Event, ProgrammeItem
from plandata.models import PlanDraft
from reviews.models import Review

LINE_REFUSED = ["a\nb", "a\rb", "a\tb", "a\x00b", "a\x1bb", "a\x7fb", "a\x85b", "a\u2028b"]
BIDI = ["\u202e", "\u202a", "\u2066", "\u2069"]


def _error(model, name, value):
    return inputs.field_error(model, model._meta.get_field(name), value)


@pytest.mark.parametrize("value", [*LINE_REFUSED, *BIDI, "\ud800"])
def test_a_title_is_one_line_without_controls(value):
    assert _error(Activity, "title_en", f"Title {value}").code == "control_character"


@pytest.mark.parametrize("value", ["Helsinki Week", "赫尔辛基周", "Tiistai\u200eklo", "<b>&</b>"])
def test_ordinary_titles_pass(value):
    assert _error(Activity, "title_en", value) is None


def test_a_description_keeps_its_lines_and_tabs_but_no_other_control():
    assert _error(Activity, "description_en", "One.\r\n\tTwo.\n") is None
    for value in ["a\x00b", "a\x0bb", "a\x1bb", "a\x9bb", "a\u202eb", "\udfff"]:
        assert _error(Activity, "description_en", value).code == "control_character", value


def test_the_message_names_the_character():
    message = _error(Event, "title_en", "a\nb").messages[0]
    assert "U+000A" in message and "one line" in message


@pytest.mark.parametrize(
    ("model", "name", "limit"),
    [
        (Activity, "title_en", 300),  # the model's own max_length
        (Activity, "description_zh_hans", inputs.LIMITS["text"]),
        (StatusUpdate, "note_en", inputs.LIMITS["text"]),
        (PlanDraft, "source_text", inputs.LIMITS["document"]),
    ],
)
def test_every_text_has_a_limit_a_person_never_reaches(model, name, limit):
    assert inputs.limit_of(model, model._meta.get_field(name)) == limit
    assert _error(model, name, "x" * limit) is None
    error = _error(model, name, "x" * (limit + 1))
    assert error.code == "max_length"
    assert f"at most {limit:,}".replace(",", "") in error.messages[0].replace(",", "")


@pytest.mark.parametrize(
    "value",
    [datetime.date(1, 1, 1), datetime.date(1949, 12, 31), datetime.date(2101, 1, 1)]
    + [datetime.date(9999, 12, 31)],
)
def test_dates_outside_the_portals_are_refused_naming_field_and_range(value):
    error = _error(Event, "start_date", value)
    assert error.messages == ["Start date must be between 1 January 1950 and 31 December 2100."]


def test_the_date_message_is_in_the_users_language():
    with translation.override("fi"):
        message = _error(Review, "due_date", datetime.date(9999, 1, 1)).messages[0]
    assert "1950" in message and "2100" in message and "January" not in message


def test_the_range_itself_is_accepted_and_times_too():
    assert _error(Event, "start_date", EARLIEST_DATE) is None
    assert _error(Event, "end_date", LATEST_DATE) is None
    late = datetime.datetime(2101, 1, 1, tzinfo=datetime.UTC)
    assert _error(ProgrammeItem, "starts_at", late).code == "date_out_of_range"


def test_check_names_every_field_out_of_bounds():
    event = Event(title_en="a\nb", description_en="\x00", start_date=datetime.date(1, 1, 1))
    with pytest.raises(ValidationError) as refused:
        inputs.check(event)
    assert set(refused.value.error_dict) == {"title_en", "description_en", "start_date"}


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("report\u202efdp.exe", "reportfdp.exe"),
        ("a\x00b\nc.pdf", "abc.pdf"),
        ("\x00\n", "file"),
        ("x" * 1000 + ".pdf", "x" * 255),
    ],
)
def test_a_file_name_is_shown_without_controls_and_bounded(name, shown):
    assert inputs.file_name(name) == shown
