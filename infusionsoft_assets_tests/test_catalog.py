"""Report specs (pure): normalising Keap's v2 shapes into typed columns, and precise record errors."""

from datetime import date, datetime, timezone

import pytest

from infusionsoft_assets.catalog import REPORTS, REPORTS_BY_NAME, RecordError
from infusionsoft_assets.catalog.spec import parse_timestamp

CONTACT = {
    "id": "42", "given_name": "Ada", "family_name": "Lovelace", "company": {"id": "7", "company_name": "Engines"},
    "owner_id": "3", "leadsource_id": None,
    "email_addresses": [{"email": "b@x.io", "field": "EMAIL2"}, {"email": "a@x.io", "field": "EMAIL1"}],
    "addresses": [{"field": "BILLING", "locality": "London", "country_code": "GBR"}],
    "birth_date": "1815-12-10", "tag_ids": ["91", "93"], "custom_fields": [{"id": "6", "content": 1}],
    "create_time": "2020-01-02T03:04:05.006Z", "update_time": "2026-11-27T23:59:59.999Z",
}


def test_a_page_becomes_typed_columns():
    spec = REPORTS_BY_NAME["contacts"]
    cols = spec.normalise_page([CONTACT, {"id": "43", "update_time": "2026-11-28T00:00:00Z"}])
    assert cols["contact_id"] == [42, 43]
    assert cols["email"] == ["a@x.io", None] and cols["email_2"] == ["b@x.io", None]
    assert cols["company_id"] == [7, None] and cols["company_name"] == ["Engines", None]
    assert cols["billing_locality"] == ["London", None] and cols["billing_country_code"] == ["GBR", None]
    assert cols["birth_date"] == [date(1815, 12, 10), None]
    assert cols["tag_ids"] == ['["91","93"]', None]
    assert cols["update_time"][0] == datetime(2026, 11, 27, 23, 59, 59, 999000, tzinfo=timezone.utc)
    assert spec.normalise(CONTACT) == {name: values[0] for name, values in cols.items()}
    assert [spec.partition_day(r) for r in (CONTACT, {"update_time": "2026-11-28T00:00:00Z"})] == [
        date(2026, 11, 27), date(2026, 11, 28)]


def test_a_bad_value_names_report_column_and_record():
    spec = REPORTS_BY_NAME["contacts"]
    with pytest.raises(RecordError) as info:
        spec.normalise_page([CONTACT, {**CONTACT, "id": "99", "owner_id": "not-a-number"}])
    message = str(info.value)
    assert "report contacts" in message and "owner_id" in message and "'99'" in message


def test_a_record_without_update_time_belongs_to_no_day():
    with pytest.raises(RecordError, match="no update_time"):
        REPORTS_BY_NAME["contacts"].partition_day({"id": "1"})


@pytest.mark.parametrize("text, expected", [
    ("2024-05-21T23:00:00Z", datetime(2024, 5, 21, 23, tzinfo=timezone.utc)),
    ("2024-11-20T18:34:12.000+0000", datetime(2024, 11, 20, 18, 34, 12, tzinfo=timezone.utc)),
    ("2024-11-20T13:34:12-05:00", datetime(2024, 11, 20, 18, 34, 12, tzinfo=timezone.utc)),
    ("2024-11-20 18:34:12", datetime(2024, 11, 20, 18, 34, 12, tzinfo=timezone.utc)),
])
def test_keap_timestamp_forms(text, expected):
    assert parse_timestamp(text) == expected


def test_specs_are_consistent():
    names = [spec.name for spec in REPORTS]
    assert len(names) == len(set(names))
    for spec in REPORTS:
        assert set(spec.primary_key) <= {c.name for c in spec.columns}


@pytest.mark.parametrize("raw, expected", [
    ({"amount": 12345, "currency_code": "USD", "formatted_amount": "$123.45"}, "123.45"),
    ({"amount": 12345, "currency_code": "JPY"}, "12345"),
    ({"amount": 12345, "currency_code": "BHD"}, "12.345"),
    ({"amount": -990, "currency_code": "eur"}, "-9.90"),
    (19.99, "19.99"),
    ("5", "5"),
])
def test_money_is_major_units_by_the_currency_exponent(raw, expected):
    from decimal import Decimal

    from infusionsoft_assets.catalog.spec import money

    assert money(raw) == Decimal(expected)


def test_the_fields_parameter_comes_from_the_columns():
    fields = REPORTS_BY_NAME["contacts"].fields_param().split(",")
    assert fields[0] == "id" and len(fields) == len(set(fields))
    for needed in ("company", "email_addresses", "addresses", "phone_numbers", "update_time", "custom_fields",
                   "tag_ids"):
        assert needed in fields
    assert not any(f.startswith("__") for f in fields)


def test_every_report_names_its_domo_report_once_and_range_reports_have_windows():
    domo = [spec.domo_report for spec in REPORTS]
    assert len(domo) == len(set(domo))
    for spec in REPORTS:
        if spec.dates.value == "range":
            assert spec.source.window and spec.partition_field, spec.name
