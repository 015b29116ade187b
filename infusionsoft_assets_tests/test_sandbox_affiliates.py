"""The sandbox's affiliate domain over real HTTP: v2 (SDK models), v1 envelopes, XML-RPC reports.

Expected values are computed here straight from the dataset's collections (never from the facades'
own helpers), so a facade that drifts from the data fails.
"""

from __future__ import annotations

import json
import xmlrpc.client
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from .sandbox_kit import get, iso, ms, sandbox_server
from .sandbox_kit import walk_pages as walk_v2

NOW = datetime(2026, 11, 27, 13, 4, 5, tzinfo=timezone.utc)
SEED, SCALE = 7, 1200
V2, V1 = "/crm/rest/v2", "/crm/rest/v1"
NY = ZoneInfo("America/New_York")
TABLES = json.loads(Path("/work/shared/reference/xmlrpc-tables.json").read_text()) \
    if Path("/work/shared/reference/xmlrpc-tables.json").exists() else None


server = sandbox_server(seed=SEED, scale=SCALE, now=NOW)


def walk_v1(http, server, path, envelope, limit, **params):
    records, pages, offset = [], [], 0
    while True:
        body = get(http, server, path, limit=limit, offset=offset, **params)
        pages.append(body)
        records.extend(body[envelope])
        if len(body[envelope]) < limit:
            return records, pages
        offset += limit


def utc_of_ms(value: int) -> datetime:
    return datetime(1970, 1, 1, tzinfo=timezone.utc) + timedelta(milliseconds=value)


def busiest_affiliate(ds) -> int:
    counts: dict[int, int] = {}
    for c in ds.collections["commissions"]:
        counts[c["affiliate_id"]] = counts.get(c["affiliate_id"], 0) + 1
    return max(counts, key=lambda a: (counts[a], -a))


def cents(value: float) -> float:
    return round(value, 2)


# --------------------------------------------------------------------------- the data


def test_tables_use_keap_names_and_real_contacts(ds):
    contact_ids = {int(c["id"]) for c in ds.contacts}
    affiliates = ds.tables["Affiliate"]
    assert [a["Id"] for a in affiliates] == [int(a) for a in ds.affiliate_ids]
    assert all(a["ContactId"] in contact_ids for a in affiliates)
    assert len({a["ContactId"] for a in affiliates}) == len(affiliates)
    if TABLES:
        for table in ("Affiliate", "Referral", "AffResource"):
            for row in ds.tables[table]:
                assert set(row) - {k for k in row if k.startswith("_")} <= set(TABLES[table]), table
    for program in ds.commission_programs:  # the existing v2 programs stay the source of truth
        detail = ds.collections["commission_program_details"][int(program["id"])]
        assert {k: detail[k] for k in program} == program
        assert {int(a) for a in program["affiliate_ids"]} <= {a["Id"] for a in affiliates}


def test_times_spread_over_years_and_stay_in_the_past(ds):
    times = [c["earned_ms"] for c in ds.collections["commissions"]]
    assert times == sorted(times) and max(times) < ms(NOW)
    assert min(times) < ms(NOW - timedelta(days=365 * 2))
    payouts = ds.collections["affiliate_payouts"]
    assert all(p["pay_ms"] < ms(NOW) and p["create_ms"] >= p["pay_ms"] for p in payouts)
    assert all(c["earned_ms"] < ms(NOW) for c in ds.collections["clawbacks"])


def test_payouts_never_exceed_the_balance_earned_before_them(ds):
    for aff in {p["affiliate_id"] for p in ds.collections["affiliate_payouts"]}:
        events = [(c["earned_ms"], c["amount"]) for c in ds.collections["commissions"] if c["affiliate_id"] == aff]
        events += [(c["earned_ms"], -c["amount"]) for c in ds.collections["clawbacks"] if c["affiliate_id"] == aff]
        for payout in (p for p in ds.collections["affiliate_payouts"] if p["affiliate_id"] == aff):
            earned = sum(v for t, v in events if t < payout["pay_ms"])
            paid = sum(p["amount"] for p in ds.collections["affiliate_payouts"]
                       if p["affiliate_id"] == aff and p["pay_ms"] <= payout["pay_ms"])
            assert paid <= earned + 0.01


# --------------------------------------------------------------------------- v2 against the SDK


def _without_nulls(value):
    if isinstance(value, dict):
        return {k: _without_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_without_nulls(v) for v in value]
    return value


def _assert_parses(model_cls, body, envelope=None):
    model = model_cls.from_dict(body)
    assert not model.additional_properties, model.additional_properties
    if envelope is None:
        assert _without_nulls(model.to_dict()) == _without_nulls(body)
        return model
    items = getattr(model, envelope)
    assert len(items) == len(body[envelope])
    for original, item in zip(body[envelope], items):
        assert not item.additional_properties, item.additional_properties
        dumped = item.to_dict()
        for key in ("referral_time", "expiration_time"):  # the SDK parses these into datetimes
            if isinstance(dumped.get(key), datetime):
                dumped[key] = iso(dumped[key])
        assert _without_nulls(dumped) == _without_nulls(original)
    return model


def test_every_v2_endpoint_parses_with_the_official_models(http, server, ds):
    from keap_core_v2_client import models as m

    aff = busiest_affiliate(ds)
    program = next(p for p in ds.commission_programs if p["affiliate_ids"])
    link = ds.collections["redirect_links"][0]
    lists = [
        (f"{V2}/affiliates", m.ListAffiliatesResponse, "affiliates"),
        (f"{V2}/affiliates/{aff}:commissions", m.ListAffiliateCommissionsResponse, "affiliate_commissions"),
        (f"{V2}/affiliates/{aff}/payments", m.ListAffiliatePaymentsResponse, "affiliate_payments"),
        (f"{V2}/affiliates/{aff}/referrals", m.ListAffiliateReferralsResponse, "referrals"),
        (f"{V2}/affiliates/redirects", m.ListAffiliateLinksResponse, "affiliate_links"),
        (f"{V2}/affiliates/summaries", m.ListAffiliateSummariesResponse, "affiliate_summaries"),
        (f"{V2}/referrals", m.ListReferralsResponse, "referrals"),
        (f"{V2}/affiliates/commissionPrograms/{program['id']}/resources", m.ListProgramResourcesResponse, "resources"),
    ]
    for path, model_cls, envelope in lists:
        records, pages = walk_v2(http, server, path, envelope, page_size=7)
        assert records, path
        for page in pages:
            _assert_parses(model_cls, page, envelope)
    singles = [
        (f"{V2}/affiliates/{aff}", m.RestAffiliate),
        (f"{V2}/affiliates/model", m.ObjectModel),
        (f"{V2}/affiliates/commissionPrograms/{program['id']}", m.GetRestCommissionProgram),
        (f"{V2}/affiliates/redirects/{link['id']}", m.AffiliateLink),
        (f"{V2}/affiliates/{aff}/commissionTotal", m.AffiliateCommissionEarned),
    ]
    for path, model_cls in singles:
        _assert_parses(model_cls, get(http, server, path))
    detail = m.GetRestCommissionProgram.from_dict(get(http, server, singles[2][0]))
    assert detail.affiliate_ids == program["affiliate_ids"] and detail.default_commission.level_1 is not None


def test_unknown_ids_are_404_v2_errors(http, server):
    for path in (f"{V2}/affiliates/999999", f"{V2}/affiliates/999999:commissions",
                 f"{V2}/affiliates/commissionPrograms/999999"):
        response = http.get(server.base_url + path, timeout=10)
        assert response.status_code == 404 and response.json()["details"][0]["resource"]


def test_v2_affiliate_filters(http, server, ds):
    rows = ds.tables["Affiliate"]
    target = rows[len(rows) // 2]
    found = get(http, server, f"{V2}/affiliates", filter=f"contact_id=={target['ContactId']}")["affiliates"]
    assert [a["id"] for a in found] == [str(target["Id"])]
    prefix = target["AffName"][:3]
    named = get(http, server, f"{V2}/affiliates", filter=f"name=={prefix.lower()}*")["affiliates"]
    assert {a["id"] for a in named} == {str(r["Id"]) for r in rows if r["AffName"].lower().startswith(prefix.lower())}
    inactive = get(http, server, f"{V2}/affiliates", filter="status==INACTIVE")["affiliates"]
    assert {a["id"] for a in inactive} == {str(r["Id"]) for r in rows if r["Status"] == 0}
    above = get(http, server, f"{V2}/affiliates", filter="id>5", order_by="id desc")["affiliates"]
    assert [a["id"] for a in above] == [str(r["Id"]) for r in sorted(rows, key=lambda r: -r["Id"]) if r["Id"] > 5]


# --------------------------------------------------------------------------- commissions: windows, consistency


def test_v2_commission_window_and_page_totals(http, server, ds):
    aff = busiest_affiliate(ds)
    mine = [c for c in ds.collections["commissions"] if c["affiliate_id"] == aff]
    since, until = utc_of_ms(mine[len(mine) // 4]["earned_ms"]), utc_of_ms(mine[3 * len(mine) // 4]["earned_ms"])
    records, pages = walk_v2(http, server, f"{V2}/affiliates/{aff}:commissions", "affiliate_commissions",
                             page_size=3, filter=f"since_time=={iso(since)};until_time=={iso(until)}")
    expected = [c for c in mine if ms(since) <= c["earned_ms"] < ms(until)]  # since inclusive, until exclusive
    assert [(r["invoice_id"], r["amount_earned"], r["time_earned"]) for r in records] == [
        (str(c["invoice_id"]), c["amount"], iso(utc_of_ms(c["earned_ms"]))) for c in expected]
    clawed = {(c["invoice_id"], c["product_name"]): c["amount"]
              for c in ds.collections["clawbacks"] if c["affiliate_id"] == aff}
    for page in pages:
        earned = cents(sum(r["amount_earned"] for r in page["affiliate_commissions"]))
        back = cents(sum(clawed.get((int(r["invoice_id"]), r["product_name"]), 0.0)
                         for r in page["affiliate_commissions"]))
        assert (page["amount_earned"], page["clawbacks"], page["commission_total"]) == (
            earned, back, cents(earned - back))


def test_the_same_commission_shows_in_v2_v1_and_xmlrpc(http, server, ds, rpc):
    commission = ds.collections["commissions"][len(ds.collections["commissions"]) // 2]
    aff, when = commission["affiliate_id"], utc_of_ms(commission["earned_ms"])
    v2 = get(http, server, f"{V2}/affiliates/{aff}:commissions",
             filter=f"since_time=={iso(when)};until_time=={iso(when + timedelta(seconds=1))}")
    v1 = get(http, server, f"{V1}/affiliates/commissions", affiliateId=aff, since=iso(when), until=iso(when))
    local = when.astimezone(NY).replace(tzinfo=None)
    rows = rpc.APIAffiliateService.affCommissions("key", aff, local, local)
    contact = next(c for c in ds.contacts if c["id"] == str(commission["contact_id"]))

    def pick(items, key, value):
        return next(i for i in items if i[key] == value)

    a = pick(v2["affiliate_commissions"], "invoice_id", str(commission["invoice_id"]))
    b = pick(v1["commissions"], "invoice_id", commission["invoice_id"])
    c = pick(rows, "InvoiceId", commission["invoice_id"])
    assert a["amount_earned"] == b["amount_earned"] == c["AmtEarned"] == commission["amount"]
    assert a["time_earned"] == iso(when) and b["date_earned"] == when.strftime("%Y-%m-%dT%H:%M:%S.000+0000")
    assert c["DateEarned"] == local  # zone-less, app-local
    assert a["contact_first_name"] == b["contact_first_name"] == c["ContactFirstName"] == contact["given_name"]
    assert a["sales_affiliate_id"] == str(aff) and b["sales_affiliate_id"] == aff == c["SaleAffId"]
    assert a["product_name"] == b["product_name"] == c["ProductName"]
    assert b["sold_by_first_name"] == c.get("SoldByFirstName")


def test_v1_commissions_span_all_affiliates_and_page_like_keap(http, server, ds):
    since, until = NOW - timedelta(days=400), NOW - timedelta(days=10)
    records, pages = walk_v1(http, server, f"{V1}/affiliates/commissions", "commissions", limit=25,
                             since=iso(since), until=iso(until))
    expected = [c for c in ds.collections["commissions"] if ms(since) <= c["earned_ms"] <= ms(until)]
    assert len({c["affiliate_id"] for c in expected}) > 1
    assert [(r["sales_affiliate_id"], r["invoice_id"]) for r in records] == [
        (c["affiliate_id"], c["invoice_id"]) for c in expected]
    assert all(p["count"] == len(expected) for p in pages)
    last = pages[-1]
    assert last["next"] and "offset=" in last["next"] and last["previous"]  # `next` even when exhausted
    assert all(isinstance(r["invoice_id"], int) and isinstance(r["amount_earned"], float) for r in records)


def test_v1_clawback_and_payment_bounds_are_inclusive(http, server, ds):
    clawback = ds.collections["clawbacks"][0]
    at = iso(utc_of_ms(clawback["earned_ms"]))
    body = get(http, server, f"{V1}/affiliates/{clawback['affiliate_id']}/clawbacks", since=at, until=at)
    assert any(r["invoice_id"] == clawback["invoice_id"] and r["amount"] == clawback["amount"]
               for r in body["clawbacks"])
    payout = ds.collections["affiliate_payouts"][-1]
    at = iso(utc_of_ms(payout["pay_ms"]))
    body = get(http, server, f"{V1}/affiliates/{payout['affiliate_id']}/payments", since=at, until=at)
    assert [r["id"] for r in body["payments"]] == [payout["id"]]


def test_xmlrpc_clawbacks_and_payouts_match_the_window(rpc, ds):
    aff = busiest_affiliate(ds)
    start, end = datetime(2019, 1, 1), datetime(2026, 6, 30, 23, 59, 59)  # app-local
    lo = ms(start.replace(tzinfo=NY))
    hi = ms(end.replace(tzinfo=NY)) + 1000
    claws = rpc.APIAffiliateService.affClawbacks("key", aff, start, end)
    assert [(r["InvoiceId"], r["Amount"]) for r in claws] == [
        (c["invoice_id"], c["amount"]) for c in ds.collections["clawbacks"]
        if c["affiliate_id"] == aff and lo <= c["earned_ms"] < hi]
    payouts = rpc.APIAffiliateService.affPayouts("key", aff, start, end)
    assert [(r["Id"], r["PayAmt"]) for r in payouts] == [
        (p["id"], p["amount"]) for p in ds.collections["affiliate_payouts"]
        if p["affiliate_id"] == aff and lo <= p["pay_ms"] < hi]


# --------------------------------------------------------------------------- summaries and running totals


def _expected_totals(ds, aff, lo=None, hi=None):
    def within(t):
        return (lo is None or t >= lo) and (hi is None or t < hi)
    earned = cents(sum(c["amount"] for c in ds.collections["commissions"]
                       if c["affiliate_id"] == aff and within(c["earned_ms"])))
    clawed = cents(sum(c["amount"] for c in ds.collections["clawbacks"]
                       if c["affiliate_id"] == aff and within(c["earned_ms"])))
    paid = cents(sum(p["amount"] for p in ds.collections["affiliate_payouts"]
                     if p["affiliate_id"] == aff and within(p["pay_ms"])))
    return earned, clawed, paid


def test_summaries_and_running_totals_add_up(http, server, ds, rpc):
    ids = [a["Id"] for a in ds.tables["Affiliate"]][:6] + [busiest_affiliate(ds)]
    since, until = NOW - timedelta(days=730), NOW - timedelta(days=30)
    v2 = get(http, server, f"{V2}/affiliates/summaries",
             filter=f"affiliate_ids=={','.join(map(str, ids))};since_time=={iso(since)};until_time=={iso(until)}")
    by_id = {s["affiliateId"]: s for s in v2["affiliate_summaries"]}
    assert set(by_id) == set(ids)
    for aff in ids:
        earned, clawed, paid = _expected_totals(ds, aff, ms(since), ms(until))
        assert (by_id[aff]["amountEarned"], by_id[aff]["clawbacks"], by_id[aff]["balance"]) == (
            earned, clawed, cents(earned - clawed - paid))

    start, end = datetime(2023, 1, 1), datetime(2025, 12, 31, 23, 59, 59)
    summary = {s["AffiliateId"]: s for s in rpc.APIAffiliateService.affSummary("key", ids, start, end)}
    running = {s["AffiliateId"]: s for s in rpc.APIAffiliateService.affRunningTotals("key", ids)}
    v1 = {s["affiliate_id"]: s for s in get(http, server, f"{V1}/affiliates/summaries",
                                              affiliate_ids=",".join(map(str, ids)))["summaries"]}
    for aff in ids:
        earned, clawed, paid = _expected_totals(ds, aff, ms(start.replace(tzinfo=NY)),
                                                ms(end.replace(tzinfo=NY)) + 1000)
        assert (summary[aff]["AmountEarned"], summary[aff]["Clawbacks"], summary[aff]["Balance"]) == (
            earned, clawed, cents(earned - clawed - paid))
        earned, clawed, paid = _expected_totals(ds, aff)
        assert (running[aff]["AmountEarned"], running[aff]["Clawbacks"], running[aff]["Payments"],
                running[aff]["RunningBalance"]) == (earned, clawed, paid, cents(earned - clawed - paid))
        assert (v1[aff]["amount_earned"], v1[aff]["clawbacks"], v1[aff]["balance"]) == (
            earned, clawed, cents(earned - clawed - paid))


# --------------------------------------------------------------------------- programs, links, resources


def test_program_assignments_agree_everywhere(http, server, ds, rpc):
    programs = rpc.AffiliateProgramService.getAffiliatePrograms("key")
    assert [(p["Id"], p["Name"], p["Priority"]) for p in programs] == [
        (int(p["id"]), p["name"], int(p["priority"])) for p in ds.commission_programs]
    member = next(p for p in ds.commission_programs if p["affiliate_ids"])
    aff = int(member["affiliate_ids"][0])
    mine = rpc.AffiliateProgramService.getProgramsForAffiliate("key", aff)
    expected = [int(p["id"]) for p in ds.commission_programs if str(aff) in p["affiliate_ids"]]
    assert [p["Id"] for p in mine] == expected
    v1 = get(http, server, f"{V1}/affiliates/programs", affiliate_id=aff)["programs"]
    assert [p["id"] for p in v1] == expected
    people = rpc.AffiliateProgramService.getAffiliatesByProgram("key", int(member["id"]))
    assert [p["Id"] for p in people] == [int(a) for a in member["affiliate_ids"]]
    first = people[0]
    row = next(a for a in ds.tables["Affiliate"] if a["Id"] == first["Id"])
    contact = next(c for c in ds.contacts if c["id"] == str(row["ContactId"]))
    assert first["ContactId"] == row["ContactId"] and first["AffCode"] == row["AffCode"]
    assert first["FirstName"] == contact["given_name"] and "_Tier" in first and "Password" not in first
    v1_members = get(http, server, f"{V1}/affiliates", program_id=member["id"])["affiliates"]
    assert [a["id"] for a in v1_members] == sorted(int(a) for a in member["affiliate_ids"])


def test_links_and_resources(http, server, ds, rpc):
    link = ds.collections["redirect_links"][0]
    aff = link["affiliate_id"]
    expected = [r["id"] for r in ds.collections["redirect_links"] if r["affiliate_id"] == aff]
    assert [r["Id"] for r in rpc.AffiliateService.getRedirectLinksForAffiliate("key", aff)] == expected
    v2 = get(http, server, f"{V2}/affiliates/redirects", filter=f"affiliate_id=={aff}")["affiliate_links"]
    assert sorted(int(r["id"]) for r in v2) == expected
    v1 = get(http, server, f"{V1}/affiliates/redirectlinks", affiliate_id=aff)["redirects"]
    assert [r["id"] for r in v1] == expected and v1[0]["program_ids"] == link["program_ids"]
    program = ds.commission_programs[0]["id"]
    rows = [r for r in ds.tables["AffResource"] if program in r["ProgramIds"].split(",")]
    via_rpc = rpc.AffiliateProgramService.getResourcesForAffiliateProgram("key", int(program))
    assert [r["Id"] for r in via_rpc] == [r["Id"] for r in rows]
    via_v2 = get(http, server, f"{V2}/affiliates/commissionPrograms/{program}/resources")["resources"]
    assert {r["id"]: r["type"] for r in via_v2} == {str(r["Id"]): r["ResourceType"].upper() for r in rows}


def test_referrals_filters(http, server, ds):
    rows = ds.tables["Referral"]
    target = rows[0]
    mine = get(http, server, f"{V2}/referrals", filter=f"referral_partner_id=={target['AffiliateId']}",
               page_size=1000)["referrals"]
    assert [r["id"] for r in mine] == [str(r["Id"]) for r in rows if r["AffiliateId"] == target["AffiliateId"]]
    manual = get(http, server, f"{V2}/referrals", filter="type==MANUAL", page_size=1000)["referrals"]
    assert {r["id"] for r in manual} == {str(r["Id"]) for r in rows if r["Type"] == 2}


def test_xmlrpc_signatures_are_strict(rpc):
    with pytest.raises(xmlrpc.client.Fault) as fault:
        rpc.APIAffiliateService.affCommissions("key", "1", datetime(2024, 1, 1), datetime(2024, 2, 1))
    assert fault.value.faultCode == 0 and "No method matching arguments" in fault.value.faultString
    with pytest.raises(xmlrpc.client.Fault):
        rpc.APIAffiliateService.affSummary("key", 1, datetime(2024, 1, 1), datetime(2024, 2, 1))
