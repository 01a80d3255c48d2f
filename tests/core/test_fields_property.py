"""Shared fields never fail on hostile input: any text gives a value or a ValidationError.

Each field every module relies on (the date boxes, money, counts, identifiers,
postcodes) is driven with arbitrary text plus strings chosen to break parsers:
huge digit strings, NaN and infinities, null bytes, other scripts' digits,
negative zero. Anything other than a sane value or a ValidationError would be
an HTTP 500 on a form page.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from lightbulb.core.forms import MAX_YEAR, MIN_YEAR, GovukDateField
from lightbulb.funding.forms.agreements import ABSURD_AMOUNT, AgreementForm, ConditionForm
from lightbulb.funding.forms.payments import MilestoneForm
from lightbulb.funding.forms.returns import ReturnSubmitForm
from lightbulb.funding.forms.tiers import TierForm
from lightbulb.funding.models import Condition
from lightbulb.organisations.forms import OrganisationForm
from lightbulb.organisations.identifiers import _PATTERNS, Identifier, looks_like_identifier, parse_identifier
from lightbulb.organisations.models import IdentifierScheme
from lightbulb.organisations.normalise import postcode_prefix
from lightbulb.organisations.portal.forms import clean_identifier
from lightbulb.organisations.portal.forms import clean_postcode as portal_clean_postcode
from lightbulb.places.forms import PostcodeLookupForm
from lightbulb.places.postcodes import is_valid_postcode, normalise_postcode

HUGE = "9" * 26
NASTY = [
    "",
    " ",
    "0",
    "-0",
    "+0",
    "0.00",
    "-0.00",
    "00000000000000000000000001",
    HUGE,
    "-" + HUGE,
    "1" * 5000,  # past Python's 4,300-digit int() limit
    "nan",
    "NaN",
    "-nan",
    "sNaN",
    "inf",
    "-inf",
    "Infinity",
    "1e999",
    "1e-999",
    "1E+999999999",
    "0x10",
    "1_000",
    "١٢٣",  # Arabic-Indic digits
    "١٢٣٤٥٦٧",
    "２０２６",  # full-width digits
    "²",
    "¹²³",
    "৫",
    "\x00",
    "12\x00",
    "\u200b12",
    "12\n",
    "1\n2",
    "\ufeff2026",
    "£",
    "£-0",
    "£1,2,3,4",
    "1.",
    ".5",
    "1.2.3",
    "ß",
    "=cmd|' /C calc'!A0",
    "<script>alert(1)</script>",
    "x" * 100_000,
]
# Arbitrary text, plus the shapes most likely to slip through a parser.
ANY_TEXT = st.one_of(
    st.text(),
    st.sampled_from(NASTY),
    st.integers(min_value=-(10**40), max_value=10**40).map(str),
    st.text(alphabet=st.characters(categories=["Nd", "No"]), min_size=1, max_size=30),
    st.from_regex(r"\A[£\-+ ]?[0-9,]{1,30}(\.[0-9]{0,5})?\Z"),
    st.from_regex(r"\A[0-9]{0,40}[eE][+-]?[0-9]{1,12}\Z"),
    st.sampled_from(["nan", "inf", "infinity", "snan"]).map(lambda word: word.upper() if len(word) % 2 else word),
)
PROPERTY = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def value_or_validation_error(clean: Callable[[], Any]) -> Any:
    """The cleaned value, or None when the field refused the input with a ValidationError (and a message)."""
    try:
        return clean()
    except ValidationError as error:
        assert all(message.strip() for message in error.messages)
        return None


# --- the date boxes ----------------------------------------------------------------------

DATE = GovukDateField(label="Start date")
OPTIONAL_DATE = GovukDateField(label="Date registered", required=False)
DAY_OR_MONTH = st.one_of(ANY_TEXT, st.integers(min_value=-40, max_value=40).map(str), st.sampled_from(["Jan", "february", "SEPT", "may"]))
YEAR = st.one_of(ANY_TEXT, st.integers(min_value=0, max_value=99999).map(str))


@PROPERTY
@given(day=DAY_OR_MONTH, month=DAY_OR_MONTH, year=YEAR)
@example(day="1", month="1", year=HUGE)
@example(day=HUGE, month="1", year="2026")
@example(day="1", month=HUGE, year="2026")
@example(day="1", month="1" * 5000, year="2026")
@example(day="²", month="1", year="2026")
@example(day="1", month="²", year="2026")
@example(day="1", month="1", year="9999")
def test_date_field_gives_a_sane_date_or_a_message(day, month, year):
    for field in (DATE, OPTIONAL_DATE):
        value = value_or_validation_error(lambda field=field: field.clean([day, month, year]))
        assert value is None or (isinstance(value, datetime.date) and MIN_YEAR <= value.year <= MAX_YEAR)


@PROPERTY
@given(parts=st.one_of(st.lists(ANY_TEXT, max_size=5), ANY_TEXT, st.none()))
def test_date_field_refuses_anything_that_is_not_three_boxes(parts):
    value = value_or_validation_error(lambda: OPTIONAL_DATE.clean(parts))
    assert value is None or isinstance(value, datetime.date)


@pytest.mark.parametrize(
    ("parts", "message"),
    [
        (("1", "1", HUGE), "Start date: the year must have 4 numbers, like 2026"),
        (("1", "1", "26"), "Start date: the year must have 4 numbers, like 2026"),
        ((HUGE, "1", "2026"), "Start date must be a real date, for example 27 3 2026"),
        (("1", HUGE, "2026"), "Start date must be a real date, for example 27 3 2026"),
        (("1", "1" * 5000, "2026"), "Start date must be a real date, for example 27 3 2026"),
        (("²", "1", "2026"), "Start date must be a real date, for example 27 3 2026"),
        (("1", "²", "2026"), "Start date must be a real date, for example 27 3 2026"),
        (("1\x00", "1", "2026"), "Start date must be a real date, for example 27 3 2026"),
        (("-1", "1", "2026"), "Start date must be a real date, for example 27 3 2026"),
        (("0", "1", "2026"), "Start date must be a real date, for example 27 3 2026"),
        (("1", "1", "0001"), "Start date: the year must be a real year, like 2026"),
        (("31", "12", "9999"), "Start date: the year must be a real year, like 2026"),
        (("30", "2", "2026"), "Start date must be a real date"),
    ],
)
def test_date_messages_say_what_is_wrong(parts, message):
    with pytest.raises(ValidationError) as caught:
        DATE.clean(list(parts))
    assert caught.value.messages == [message]


@pytest.mark.parametrize(
    ("parts", "expected"),
    [
        (("29", "2", "2028"), datetime.date(2028, 2, 29)),
        (("٥", "١٢", "٢٠٢٦"), datetime.date(2026, 12, 5)),  # Arabic-Indic digits read as the numbers they are
        (("０５", "０１", "２０２６"), datetime.date(2026, 1, 5)),  # full-width digits from a Japanese keyboard
        ((" 5 ", " jan ", " 2026 "), datetime.date(2026, 1, 5)),
        (("1", "1", str(MIN_YEAR)), datetime.date(MIN_YEAR, 1, 1)),
        (("31", "12", str(MAX_YEAR)), datetime.date(MAX_YEAR, 12, 31)),
    ],
)
def test_dates_people_type_are_read(parts, expected):
    assert DATE.clean(list(parts)) == expected


# --- money -------------------------------------------------------------------------------

AGREEMENT_AMOUNT = AgreementForm.base_fields["amount"]
TIER_MINIMUM = TierForm.base_fields["min_value"]  # allows £0
TIER_MAXIMUM = TierForm.base_fields["max_value"]  # optional
MILESTONE_AMOUNT = MilestoneForm.base_fields["amount"]  # the payments module's DecimalField-based money
CONDITION_TARGET = ConditionForm.base_fields["target"]
# A monitoring return's figure field, built for one (unsaved) condition.
RETURN_FIGURE = ReturnSubmitForm(conditions=[Condition(pk=1, kind=Condition.Kind.KPI, description="Meals served", target=Decimal("120"), unit="meals")]).fields[
    "figure_1"
]
MONEY_FIELDS = [
    (AGREEMENT_AMOUNT, Decimal("0.01"), ABSURD_AMOUNT),
    (TIER_MINIMUM, Decimal("0"), ABSURD_AMOUNT),
    (TIER_MAXIMUM, Decimal("0.01"), ABSURD_AMOUNT),
    (MILESTONE_AMOUNT, Decimal("0.01"), Decimal("999999999999.99")),
    (CONDITION_TARGET, Decimal("0"), ABSURD_AMOUNT),
    (RETURN_FIGURE, Decimal("0"), Decimal("999999999999.99")),
]


def assert_sane_money(value: Any, lowest: Decimal, highest: Decimal) -> None:
    assert isinstance(value, Decimal)
    assert value.is_finite() and not value.is_signed()  # no NaN, no infinity, no -0
    assert lowest <= value <= highest
    assert value == value.quantize(Decimal("0.01"))  # whole pence


@PROPERTY
@given(text=ANY_TEXT)
@example(text="1e999")
@example(text="nan")
@example(text="-0")
@example(text="£-0.00")
@example(text="١٢٣")
def test_money_fields_give_a_sane_amount_or_a_message(text):
    for field, lowest, highest in MONEY_FIELDS:
        value = value_or_validation_error(lambda field=field: field.clean(text))
        if value is not None:
            assert_sane_money(value, lowest, highest)


@pytest.mark.parametrize(
    ("field", "text", "message"),
    [
        (AGREEMENT_AMOUNT, "nan", "Total value must be an amount in pounds, like 1250 or £1,250.00"),
        (AGREEMENT_AMOUNT, "inf", "Total value must be an amount in pounds, like 1250 or £1,250.00"),
        (AGREEMENT_AMOUNT, "1e999", "Total value must be an amount in pounds, like 1250 or £1,250.00"),
        (AGREEMENT_AMOUNT, HUGE, "Total value must be £100,000,000 or less: check the figure"),
        (AGREEMENT_AMOUNT, "-0", "Total value must be more than £0"),
        (AGREEMENT_AMOUNT, "x" * 100_000, "Total value must be an amount in pounds, like 1250 or £1,250.00"),
        (MILESTONE_AMOUNT, "nan", "Enter an amount in pounds, like 1250 or 1250.50"),
        (MILESTONE_AMOUNT, "-inf", "Enter an amount in pounds, like 1250 or 1250.50"),
        (MILESTONE_AMOUNT, "1e999", "Enter an amount under £1,000,000,000,000"),
        (MILESTONE_AMOUNT, "-0", "The amount must be at least £0.01"),
        (CONDITION_TARGET, "sNaN", "Enter the target as a number, like 250"),
    ],
)
def test_money_messages_say_what_is_wrong(field, text, message):
    with pytest.raises(ValidationError) as caught:
        field.clean(text)
    assert caught.value.messages == [message]


@pytest.mark.parametrize(("text", "expected"), [("£1,250.50", Decimal("1250.50")), ("١٢٥٠", Decimal("1250")), ("  12 500 ", Decimal("12500"))])
def test_amounts_people_type_are_read(text, expected):
    assert AGREEMENT_AMOUNT.clean(text) == expected


@pytest.mark.parametrize("field", [CONDITION_TARGET, RETURN_FIGURE])
@pytest.mark.parametrize("text", ["-0", "-0.00", "0e5", "-0E-2"])
def test_minus_nought_is_read_as_nought(field, text):
    value = field.clean(text)
    assert value == 0 and not value.is_signed()


# --- counts ------------------------------------------------------------------------------

COUNT_FIELDS = [AgreementForm.base_fields["reporting_every_months"], TierForm.base_fields["monitoring_every_months"]]


@PROPERTY
@given(text=ANY_TEXT)
@example(text=HUGE)
@example(text="1" * 5000)
@example(text="1e3")
@example(text="-0")
def test_count_fields_give_a_sane_whole_number_or_a_message(text):
    for field in COUNT_FIELDS:
        value = value_or_validation_error(lambda field=field: field.clean(text))
        assert value is None or (type(value) is int and 1 <= value <= 24)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (HUGE, "Enter a number of months from 1 to 24"),
        ("1" * 5000, "Enter a whole number of months, like 3"),
        ("nan", "Enter a whole number of months, like 3"),
        ("2.5", "Enter a whole number of months, like 3"),
        ("-0", "Enter a number of months from 1 to 24"),
    ],
)
def test_count_messages_say_what_is_wrong(text, message):
    with pytest.raises(ValidationError) as caught:
        COUNT_FIELDS[0].clean(text)
    assert caught.value.messages == [message]


# --- identifiers -------------------------------------------------------------------------

SCHEMES = [None, "", *IdentifierScheme.values, "GB-XYZ"]
IDENTIFIER_TEXT = st.one_of(
    ANY_TEXT,
    st.from_regex(r"\A(GB[ _-]?(CHC|COH|SC|NIC|MPR)[ _-]?)?[A-Za-z]{0,3}[0-9]{0,12}[A-Za-z]{0,2}\Z"),
    st.text(alphabet=st.characters(categories=["Nd"]), min_size=6, max_size=8),
)


def assert_sane_identifier(identifier: Identifier) -> None:
    assert identifier.scheme in _PATTERNS
    assert identifier.value.isascii()
    assert _PATTERNS[identifier.scheme][0].fullmatch(identifier.value)  # the register's own shape, no trailing newline


@PROPERTY
@given(text=IDENTIFIER_TEXT, scheme=st.sampled_from(SCHEMES))
@example(text="١٢٣٤٥٦٧", scheme="GB-CHC")
@example(text="GB-CHC-١٢٣٤٥٦٧", scheme=None)
@example(text="²³⁴⁵⁶⁷", scheme="GB-COH")
@example(text="ß123456", scheme="GB-COH")
def test_identifiers_give_a_register_number_or_a_message(text, scheme):
    identifier = value_or_validation_error(lambda: parse_identifier(text, scheme))
    if identifier is not None:
        assert_sane_identifier(identifier)
    portal_value = value_or_validation_error(lambda: clean_identifier(text, scheme or "GB-CHC"))
    assert portal_value is None or portal_value == "" or portal_value.isascii()
    found = looks_like_identifier(text)  # search never refuses: an identifier or None
    if found is not None:
        assert_sane_identifier(found)


@pytest.mark.parametrize(
    ("text", "scheme", "expected"),
    [
        ("١٢٣٤٥٦٧", "GB-CHC", "GB-CHC-1234567"),  # read as the number it is, stored in ASCII digits
        ("gb chc ١١٢٣٤٥٦", None, "GB-CHC-1123456"),
        ("１２３４５６７", "GB-COH", "GB-COH-01234567"),
    ],
)
def test_identifiers_in_other_scripts_digits_are_stored_in_ascii(text, scheme, expected):
    assert parse_identifier(text, scheme).org_id == expected


@pytest.mark.parametrize(
    ("text", "scheme", "message"),
    [
        (HUGE, "GB-CHC", "Enter a charity number of 6 or 7 numbers, like 1123456"),
        ("²³⁴⁵⁶⁷", "GB-CHC", "Enter a charity number of 6 or 7 numbers, like 1123456"),
        ("\x00", "GB-COH", "Enter a company number of 8 characters, like 01234567 or SC123456"),
        ("x" * 100_000, None, "Choose which register the identifier is from, or type it as an Org-ID such as GB-CHC-1234567"),
    ],
)
def test_identifier_messages_say_what_is_wrong(text, scheme, message):
    with pytest.raises(ValidationError) as caught:
        parse_identifier(text, scheme)
    assert caught.value.messages == [message]


# --- postcodes ---------------------------------------------------------------------------

CANONICAL_POSTCODE = re.compile(r"[A-Z]{1,2}[0-9][A-Z0-9]? [0-9][A-Z]{2}|GIR 0AA", re.ASCII)
POSTCODE_TEXT = st.one_of(ANY_TEXT, st.from_regex(r"\A[A-Za-z]{1,2}[0-9][A-Za-z0-9]? ?[0-9][A-Za-z]{2}\Z"), st.from_regex(r"\A[A-Za-z0-9 ]{0,12}\Z"))


def organisation_postcode(text: str) -> str | None:
    form = OrganisationForm({"name": "Hilltop Youth Club", "legal_form": "cio", "status": "active", "postcode": text})
    form.is_valid()
    if "postcode" in form.errors:
        assert all(message.strip() for message in form.errors["postcode"])
        return None
    return str(form.cleaned_data["postcode"])


def lookup_postcode(text: str) -> str | None:
    form = PostcodeLookupForm({"postcode": text})
    if not form.is_valid():
        assert all(message.strip() for message in form.errors["postcode"])
        return None
    return str(form.cleaned_data["postcode"])


@PROPERTY
@given(text=POSTCODE_TEXT)
@example(text="at11aa")
@example(text="AT1 1AA\n")
@example(text="A\x001 1AA")
@example(text="ſW1A 1AA")
@example(text="\u200bAT1 1AA")
def test_postcodes_give_a_real_postcode_or_a_message(text):
    for value in (organisation_postcode(text), lookup_postcode(text), value_or_validation_error(lambda: portal_clean_postcode(text))):
        assert value is None or value == "" or CANONICAL_POSTCODE.fullmatch(value)
    if is_valid_postcode(text):
        assert CANONICAL_POSTCODE.fullmatch(normalise_postcode(text))
    prefix = postcode_prefix(text)  # search: the start of a postcode, or None
    assert prefix is None or (prefix.isascii() and len(prefix) <= 8)


@pytest.mark.parametrize(
    ("text", "lookup_message"),
    [
        ("not a postcode", "Enter a full UK postcode, like AT1 1AA"),
        ("=cmd|' /C calc'!A0", "Enter a full UK postcode, like AT1 1AA"),
        (HUGE, "Ensure this value has at most 20 characters (it has 26)."),
        ("x" * 100_000, "Ensure this value has at most 20 characters (it has 100000)."),
        ("\x00", "Null characters are not allowed."),
        ("AT1 1AA\x00", "Null characters are not allowed."),
    ],
)
def test_postcode_messages_say_what_is_wrong(text, lookup_message):
    assert PostcodeLookupForm({"postcode": text}).errors["postcode"] == [lookup_message]
    assert organisation_postcode(text) is None
    with pytest.raises(ValidationError, match="Enter a real postcode, like AT1 1AA"):
        portal_clean_postcode(text)
