"""Keap's wire formats as the sandbox writes them (keap_sandbox.wire), pinned with concrete examples.

Where a recorded sample or Keap's spec shows a format, the example is checked against it too (the
samples live in shared/reference/wire-samples/; those checks are skipped where shared/ is absent).
"""

from __future__ import annotations

import json
import re
import xmlrpc.client
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from keap_sandbox.wire import (APP_TIMEZONE, APP_ZONE, currency, dollars, from_ms, from_xmlrpc_time, id_str,
                               iso_ms, java_type, no_method_matching, parse_v2_time, ref_id, to_ms, v1_day,
                               v1_time, v1_time_of_v2, v2_date, v2_time, xmlrpc_time)

SAMPLES = Path("/work/shared/reference/wire-samples")
V2_SPEC = Path("/work/shared/keap-openapi/keap-v2-openapi.yml")
UTC = timezone.utc
MOMENT = datetime(2024, 11, 20, 18, 34, 12, tzinfo=UTC)  # a v1 sample's date_created


def sample(*parts: str) -> str:
    path = SAMPLES.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} not here")
    return path.read_text()


def test_ids_are_strings_and_a_missing_reference_is_null():
    assert id_str(91) == "91" and id_str("91") == "91"
    assert id_str(0) == "0"  # a record's own id, or parent_affiliate_id (the v2 spec's example is 0)
    assert ref_id(12) == "12" and ref_id(None) is None and ref_id(0) is None


def test_v2_ids_in_the_recorded_tags_page_are_strings():
    tags = json.loads(sample("rest-ampersand", "read__tags__v2.json"))["tags"]
    assert all(isinstance(t["id"], str) for t in tags) and id_str(int(tags[0]["id"])) == tags[0]["id"]


def test_currency_value():
    assert currency(100.0) == {"amount": 10000, "currency_code": "USD", "formatted_amount": "$100.00"}
    assert currency(1234.5) == {"amount": 123450, "currency_code": "USD", "formatted_amount": "$1,234.50"}
    assert currency(-5.5) == {"amount": -550, "currency_code": "USD", "formatted_amount": "-$5.50"}
    assert currency(19.99)["amount"] == 1999 and currency(0.0)["formatted_amount"] == "$0.00"
    assert currency(None) is None


def test_currency_value_matches_the_v2_spec_example():
    if not V2_SPEC.exists():
        pytest.skip("v2 spec not here")
    text = V2_SPEC.read_text()
    block = text[text.index("    CurrencyValue:"):][:900]
    amount = int(re.search(r"amount:\s+type: integer.*?example: (\d+)", block, re.S).group(1))
    formatted = re.search(r"formatted_amount:.*?example: (\S+)", block, re.S).group(1)
    assert currency(amount / 100) == {"amount": amount, "currency_code": "USD", "formatted_amount": formatted}


def test_plain_double_money():
    assert dollars(5) == 5.0 and isinstance(dollars(5), float)
    assert dollars(19.99) == 19.99 and dollars(None) is None
    assert json.dumps(dollars(25)) == "25.0"


def test_epoch_milliseconds():
    assert to_ms(MOMENT) == 1732127652000
    assert to_ms(MOMENT + timedelta(microseconds=1)) == 1732127652001  # rounded up: a bound never reaches back
    assert to_ms(MOMENT.astimezone(APP_ZONE)) == 1732127652000
    with pytest.raises(ValueError):
        to_ms(datetime(2024, 11, 20))
    assert from_ms(1732127651841) == datetime(2024, 11, 20, 18, 34, 11, 841000, tzinfo=UTC)
    assert to_ms(from_ms(1732127651841)) == 1732127651841


def test_v2_times_and_dates():
    assert iso_ms(1764248645000) == "2025-11-27T13:04:05.000Z"
    assert v2_time(datetime(2026, 11, 27, 13, 4, 5, 7000, tzinfo=UTC)) == "2026-11-27T13:04:05.007Z"
    assert v2_time(1764248645123) == "2025-11-27T13:04:05.123Z" and v2_time(None) is None
    assert parse_v2_time("2025-01-01T00:00:00.000Z") == parse_v2_time("2024-12-31T19:00:00-05:00") == 1735689600000
    assert v2_date(datetime(2026, 11, 27, tzinfo=UTC)) == "2026-11-27" and v2_date(None) is None


def test_v1_times_match_the_recorded_v1_contacts():
    assert v1_time(MOMENT) == "2024-11-20T18:34:12.000+0000"
    assert v1_time(1732127651841) == "2024-11-20T18:34:11.841+0000" and v1_time(None) is None
    assert v1_time_of_v2("2024-11-20T18:34:12.000Z") == "2024-11-20T18:34:12.000+0000"
    assert v1_day("1990-05-04") == "1990-05-04T00:00:00.000+0000" and v1_day(None) is None
    contacts = json.loads(sample("rest-ampersand", "read__contacts__1-first-page-v2.json"))["contacts"]
    first = contacts[0]
    assert first["date_created"] == v1_time(MOMENT)  # 2024-11-20T18:34:12.000+0000
    v1_form = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000")
    assert all(v1_form.fullmatch(c["last_updated"]) for c in contacts)
    assert v1_form.fullmatch(v1_time(first["last_updated_utc_millis"]))


def test_xmlrpc_dates_are_app_local_and_zone_less():
    assert APP_TIMEZONE == "America/New_York" and str(APP_ZONE) == APP_TIMEZONE
    summer = datetime(2025, 7, 1, 12, tzinfo=UTC)
    assert xmlrpc_time(summer) == datetime(2025, 7, 1, 8)  # EDT, UTC-4
    assert xmlrpc_time(datetime(2025, 1, 15, 12, tzinfo=UTC)) == datetime(2025, 1, 15, 7)  # EST, UTC-5
    assert xmlrpc_time(datetime(1986, 1, 28, tzinfo=UTC), date_only=True) == datetime(1986, 1, 28)  # a day, unshifted
    assert from_xmlrpc_time(datetime(2025, 7, 1, 8)) == summer
    wire = xmlrpc.client.dumps((xmlrpc_time(summer),), methodresponse=True)
    assert "<dateTime.iso8601>20250701T08:00:00</dateTime.iso8601>" in wire  # the samples' form, no zone


def test_recorded_xmlrpc_dates_have_no_zone():
    dates = re.findall(r"<dateTime.iso8601>([^<]+)<", sample("xmlrpc-ruby-gem", "invoice_add_manual_payment.yml"))
    assert dates and all(re.fullmatch(r"\d{8}T\d\d:\d\d:\d\d", d) for d in dates)
    assert re.fullmatch(r"\d{8}T\d\d:\d\d:\d\d", xmlrpc.client.DateTime(xmlrpc_time(MOMENT)).value)


def test_java_type_names_and_the_no_method_fault():
    assert [java_type(v) for v in ("k", 1, True, 1.5, {}, [], (), datetime(2025, 1, 1),
                                   xmlrpc.client.Binary(b"x"), None)] == [
        "java.lang.String", "java.lang.Integer", "java.lang.Boolean", "java.lang.Double", "java.util.HashMap",
        "java.lang.Object[]", "java.lang.Object[]", "java.util.Date", "[B", "java.lang.Object"]
    assert no_method_matching(("key", "Contact", 5, 0, {}, ["Id"], "Id", "ASC")) == (
        "No method matching arguments: java.lang.String, java.lang.String, java.lang.Integer, java.lang.Integer, "
        "java.util.HashMap, java.lang.Object[], java.lang.String, java.lang.String")
    assert no_method_matching(()) == "No method matching arguments: "
