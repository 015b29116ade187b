"""The sandbox's data: a deterministic imitation of one Keap tenant.

Everything here is a pure function of ``(seed, scale, now)``: the same triple gives byte-identical
records, so tests can compare what a pipeline stored against :class:`Dataset` as ground truth.
Records are rendered once, in the exact JSON shapes of Keap's REST v2 spec
(``shared/keap-openapi/keap-v2-openapi.yml``: ``Contact``, ``AffiliateProgramV2``), and the HTTP
facades only slice and project them. Each object type draws from its own ``random.Random`` stream
(seeded with ``"<seed>:<name>"``) so adding a new object type later never changes existing ones.

The value pools are :mod:`.pools`; the domains (:mod:`.crm`, :mod:`.ecommerce`, :mod:`.affiliates`)
add their legacy tables and collections to a built dataset. Stdlib only.
"""

from __future__ import annotations

import bisect
import gc
import string
from dataclasses import dataclass
from datetime import date, datetime, timezone
from random import Random

from ..wire import iso_ms, to_ms
from . import affiliates, crm, crm_activity, ecommerce
from .pools import (
    COMPANY_SUFFIXES, COMPANY_WORDS_A, COMPANY_WORDS_B, CONTACT_CUSTOM_FIELDS, CONTACT_TYPES, DAY_MS,
    EMAIL_STATUSES, FAMILY_NAMES, FREE_MAIL, GIVEN_NAMES, HISTORY_DAYS, JOB_TITLES, LINK_TYPES, MIDDLE_INITIALS,
    NEVER_UPDATED_SHARE, PHONE_TYPES, PLACES, PREFIXES, PROGRAM_NAMES, RECENT_DAYS, RECENT_SHARE, SOCIAL_TYPES,
    SOURCE_TYPES, STREETS, SUFFIXES, TENANT_HOST, TIME_ZONES, UTM_SOURCES, WEB_SOURCES,
)


def default_now() -> datetime:
    """Current UTC time truncated to the second (callers should pass `now` for reproducibility)."""
    return datetime.now(timezone.utc).replace(microsecond=0)


# --------------------------------------------------------------------------- credentials


@dataclass(frozen=True)
class Credentials:
    """What a developer would copy from Keap's developer portal and API settings page."""

    client_id: str
    client_secret: str
    api_key: str


_ALNUM = string.ascii_letters + string.digits


def credentials_for_seed(seed: int) -> Credentials:
    """Cheap and seed-only, so a parent process can know them without building the dataset."""
    rng = Random(f"{seed}:credentials")

    def token(alphabet: str, length: int) -> str:
        return "".join(rng.choice(alphabet) for _ in range(length))

    return Credentials(
        client_id=token(_ALNUM, 48),
        client_secret=token(_ALNUM, 16),
        # Keap PAT/SAK values start with "KeapAK-".
        api_key="KeapAK-" + token("0123456789abcdef", 56),
    )


# Shared, never-mutated values: most contacts have no links/fax/social/UTM rows and most custom
# fields are unset, and sharing those objects cuts the dataset's memory by roughly a quarter.
_EMPTY: list = []
_UNSET_CUSTOM_FIELD = {cf_id: {"id": cf_id, "content": None} for cf_id, _, _ in CONTACT_CUSTOM_FIELDS}


def _weighted(table):
    """(cumulative weights, rows) for :func:`_pick_weighted` — bisect, not rng.choices, for speed."""
    total, cumulative = 0, []
    for row in table:
        total += row[0]
        cumulative.append(total)
    return [c / total for c in cumulative], table


def _pick_weighted(rng: Random, weighted):
    cumulative, rows = weighted
    return rows[bisect.bisect_right(cumulative, rng.random())]


_SOURCE_W = _weighted(SOURCE_TYPES)
_EMAIL_W = _weighted(EMAIL_STATUSES)


# --------------------------------------------------------------------------- the dataset


class Dataset:
    """One deterministic Keap tenant. Treat every returned record as read-only.

    ``contacts`` are full v2 ``Contact`` dicts sorted by ``(update_time, id)``; a time window is a
    bisect over the parallel ``update_ms`` list, never a scan.
    """

    def __init__(self, seed: int = 1, scale: int = 200, now: datetime | None = None):
        if scale < 0:
            raise ValueError("scale must be >= 0")
        self.seed = seed
        self.scale = scale
        self.now = (now or default_now()).astimezone(timezone.utc)
        self.now_ms = to_ms(self.now)
        self.tenant_host = TENANT_HOST
        self.credentials = credentials_for_seed(seed)
        # Building ~10 containers per contact makes the cyclic GC rescan the growing heap over and
        # over; nothing built here is cyclic garbage, so pausing it is safe and ~30% faster.
        gc_was_enabled = gc.isenabled()
        gc.disable()
        try:
            self._build_reference_data()
            self.contacts: list[dict] = self._build_contacts()
            self.update_ms: list[int] = [self._update_ms_of[c["id"]] for c in self.contacts]
            del self._update_ms_of
            self.commission_programs: list[dict] = self._build_commission_programs()
            self._build_domains()
        finally:
            if gc_was_enabled:
                gc.enable()

    # ----------------------------------------------------------------- domains

    def _build_domains(self) -> None:
        """Each domain module adds its canonical tables and collections, in a fixed order.

        ``tables`` holds rows of Keap's legacy tables (names and field names exactly as in
        ``shared/reference/xmlrpc-tables.json``; Python values: int, float, str, bool, aware UTC
        datetime; a field absent from a row is NULL). Every facade (REST v2, REST v1, XML-RPC)
        renders from these rows. ``collections`` holds data with no legacy table of its own
        (commissions, discounts, shipping options, saved-search results, ...), documented by the
        module that builds it.
        """
        self.tables: dict[str, list[dict]] = {}
        self.collections: dict[str, object] = {}
        for domain in (crm, crm_activity, ecommerce, affiliates):  # later ones read earlier ones' tables
            domain.build(self)

    # ----------------------------------------------------------------- public queries

    def contacts_updated_between(self, start: datetime, end: datetime) -> list[dict]:
        """Contacts with ``start <= update_time < end`` (half-open), in (update_time, id) order."""
        lo, hi = self.update_window(to_ms(start), to_ms(end))
        return self.contacts[lo:hi]

    def update_window(self, start_ms: int | None, end_ms: int | None) -> tuple[int, int]:
        """Index range of ``contacts`` with ``start_ms <= update < end_ms`` (None = unbounded)."""
        lo = 0 if start_ms is None else bisect.bisect_left(self.update_ms, start_ms)
        hi = len(self.update_ms) if end_ms is None else bisect.bisect_left(self.update_ms, end_ms)
        return lo, max(lo, hi)

    # ----------------------------------------------------------------- generation

    def _rng(self, name: str) -> Random:
        # A string seed is hashed with SHA-512 by `random`, so streams are stable across runs/processes.
        return Random(f"{self.seed}:{name}")

    def _build_reference_data(self) -> None:
        """Ids of the objects contacts point at (users, companies, tags, lead sources, affiliates)."""
        rng = self._rng("reference")
        n = self.scale
        self.user_ids = [str(i) for i in range(1, max(3, n // 500) + 2)]
        self.lead_source_ids = [str(i) for i in range(1, max(5, n // 400) + 1)]
        self.tag_ids = [str(91 + 2 * i) for i in range(max(20, n // 50))]
        self.affiliate_ids = [str(i) for i in range(1, max(5, n // 100) + 1)]
        self.companies = []
        for i in range(max(5, n // 20)):
            words = (rng.choice(COMPANY_WORDS_A), rng.choice(COMPANY_WORDS_B), rng.choice(COMPANY_SUFFIXES))
            self.companies.append({"id": str(2 + 2 * i), "company_name": " ".join(words).strip()})

    def _creation_times(self, rng: Random) -> list[int]:
        """Sorted creation times: denser towards `now`, like a growing business's list."""
        span = HISTORY_DAYS * DAY_MS
        return sorted(self.now_ms - 1 - int(span * rng.random() ** 1.6) for _ in range(self.scale))

    def _update_time(self, rng: Random, created: int) -> int:
        """>= created, < now; ~30% land in the last 7 days, clustered towards now."""
        now, roll = self.now_ms, rng.random()
        if roll < RECENT_SHARE:
            # v**2 piles offsets up near zero, i.e. near `now`; +1 keeps it strictly in the past.
            recent = now - 1 - int(RECENT_DAYS * DAY_MS * rng.random() ** 2)
            return recent if recent >= created else created + int((now - 1 - created) * rng.random())
        if roll < RECENT_SHARE + NEVER_UPDATED_SHARE:
            return created
        upper = now - RECENT_DAYS * DAY_MS
        if upper <= created:
            upper = now - 1
        return created + int((upper - created) * rng.random())

    def _build_contacts(self) -> list[dict]:
        rng = self._rng("contacts")
        contacts, next_id = [], 1
        self._update_ms_of = {}
        for created in self._creation_times(rng):
            next_id += 1 + (rng.random() < 0.15) * int(rng.random() * 4)  # gaps: deleted contacts
            contact = self._contact(rng, str(next_id), created, contacts)
            self._update_ms_of[contact["id"]] = self._update_time(rng, created)
            contacts.append(contact)
        for contact in contacts:
            contact["update_time"] = iso_ms(self._update_ms_of[contact["id"]])
        contacts.sort(key=lambda c: (self._update_ms_of[c["id"]], int(c["id"])))
        return contacts

    def _contact(self, rng: Random, cid: str, created: int, earlier: list[dict]) -> dict:
        r = rng.random
        given = GIVEN_NAMES[int(r() * len(GIVEN_NAMES))]
        family = FAMILY_NAMES[int(r() * len(FAMILY_NAMES))]
        company = self.companies[int(r() * len(self.companies))] if r() < 0.35 else None
        place = PLACES[int(r() * len(PLACES))]
        source_type = _pick_weighted(rng, _SOURCE_W)[1]
        web = source_type in WEB_SOURCES
        user, sources = self.user_ids, self.lead_source_ids
        created_iso = iso_ms(created)
        # Key order follows the spec's Contact schema listing, so projections stay stable.
        return {
            "id": cid,
            "links": self._links(rng, earlier),
            "addresses": self._addresses(rng, place),
            "company": company,
            "origin": {"date": created_iso, "ip_address": f"203.0.113.{int(r() * 254) + 1}"} if web else None,
            "prefix": PREFIXES[int(r() * 4)] if r() < 0.08 else None,
            "suffix": SUFFIXES[int(r() * 4)] if r() < 0.03 else None,
            "website": f"https://www.{family.lower()}{cid}.example.com" if r() < 0.1 else None,
            "groups": None,
            "update_time": None,  # filled in once every contact's update time is known
            "create_time": created_iso,
            "score_value": str(int(r() * 101)) if r() < 0.6 else None,
            "tag_ids": self._tags(rng),
            "anniversary_date": self._date(rng, 1990, 2024) if r() < 0.05 else None,
            "birth_date": self._date(rng, 1950, 2004) if r() < 0.2 else None,
            "contact_type": CONTACT_TYPES[int(r() * 4)] if r() < 0.8 else None,
            "custom_fields": self._custom_fields(rng),
            "email_addresses": self._emails(rng, given, family, cid, company),
            "family_name": family if r() < 0.97 else None,
            "fax_numbers": [{"number": self._local_number(rng, place), "type": "Work", "field": "FAX1"}]
            if r() < 0.03 else _EMPTY,
            "given_name": given,
            "job_title": JOB_TITLES[int(r() * len(JOB_TITLES))] if r() < 0.4 else None,
            "leadsource_id": sources[int(r() * len(sources))] if r() < 0.5 else None,
            "middle_name": MIDDLE_INITIALS[int(r() * len(MIDDLE_INITIALS))] if r() < 0.1 else None,
            "owner_id": user[int(r() * len(user))] if r() < 0.7 else None,
            "phone_numbers": self._phones(rng, place),
            "preferred_locale": "en_US" if r() < 0.6 else None,
            "preferred_name": given[:3] if r() < 0.05 else None,
            "referral_code": None,
            "social_accounts": [{"name": f"@{given.lower()}{family.lower()[:4]}{cid}",
                                 "type": SOCIAL_TYPES[int(r() * len(SOCIAL_TYPES))]}]
            if r() < 0.1 else _EMPTY,
            "source_type": source_type,
            "spouse_name": f"{GIVEN_NAMES[int(r() * len(GIVEN_NAMES))]} {family}" if r() < 0.05 else None,
            "time_zone": TIME_ZONES[int(r() * len(TIME_ZONES))] if r() < 0.4 else None,
            "utm_parameters": self._utm(rng, cid, created_iso) if web and r() < 0.3 else _EMPTY,
            "account_id": None,
            "assistant_name": None,
            "assistant_phone": None,
            "billing_information": None,
            "created_by": user[int(r() * len(user))],
            "last_updated_by": user[int(r() * len(user))],
        }

    def _emails(self, rng: Random, given: str, family: str, cid: str, company: dict | None) -> list[dict]:
        r = rng.random
        if r() < 0.06:  # phone-only / address-only contacts exist
            return []
        first, last = (name.lower().replace("'", "").replace("ü", "u") for name in (given, family))
        domains = [FREE_MAIL[int(r() * len(FREE_MAIL))]]
        if company is not None:
            domains.insert(0, company["company_name"].split()[0].lower() + ".example.com")
        out = []
        count = 1 + (r() < 0.15) + (r() < 0.03)
        for slot in range(count):
            status = _pick_weighted(rng, _EMAIL_W)
            domain = domains[slot % len(domains)]
            alias = f"{first}.{last}" if slot == 0 else f"{first[0]}{last}{slot}"
            out.append({
                "email": f"{alias}{cid}@{domain}",
                "field": f"EMAIL{slot + 1}",
                "opt_in_reason": status[3],
                "is_opt_in": status[2],
                "email_opt_status": status[1],
            })
        return out

    def _local_number(self, rng: Random, place: tuple) -> str:
        area, line = place[7], int(rng.random() * 10000)
        # Fictional-looking numbers: the 555 exchange (North America), Ofcom's 020 7946 0xxx drama range.
        return f"({area}) 555-{line:04d}" if place[6] == "1" else f"0{area} 7946 0{line % 1000:03d}"

    def _phones(self, rng: Random, place: tuple) -> list[dict]:
        r = rng.random
        count = 0 if r() < 0.35 else 1 + (r() < 0.25)
        out = []
        for slot in range(count):
            number = self._local_number(rng, place)
            digits = "".join(ch for ch in number if ch.isdigit()).lstrip("0")
            out.append({
                "extension": str(int(r() * 900) + 100) if r() < 0.05 else None,
                "number": number,
                "type": PHONE_TYPES[int(r() * 4)],
                "field": f"PHONE{slot + 1}",
                "number_e164": f"+{place[6]}{digits}",
            })
        return out

    def _addresses(self, rng: Random, place: tuple) -> list[dict]:
        r = rng.random
        roll = r()
        count = 0 if roll < 0.4 else 1 if roll < 0.85 else 2 if roll < 0.97 else 3
        fields = ("BILLING", "SHIPPING", "OTHER")[:count]
        out = []
        for field in fields:
            us = place[5] == "USA"
            postal = place[3] + (f"{int(r() * 100):02d}" if us else "")
            out.append({
                "country": place[4],
                "line1": f"{int(r() * 9900) + 100} {STREETS[int(r() * len(STREETS))]}",
                "line2": f"Suite {int(r() * 400) + 100}" if r() < 0.15 else None,
                "locality": place[0],
                "region": place[1],
                "field": field,
                "country_code": place[5],
                "postal_code": postal,
                "region_code": place[2],
                "zip_code": postal,
                "zip_four": f"{int(r() * 10000):04d}" if us and r() < 0.3 else None,
            })
        return out

    def _tags(self, rng: Random) -> list[str]:
        count = int(rng.random() ** 2 * 6)
        return sorted({self.tag_ids[int(rng.random() * len(self.tag_ids))] for _ in range(count)}, key=int)

    def _custom_fields(self, rng: Random) -> list[dict]:
        """Every defined field is listed; unset ones carry ``content: null`` (as in Keap's payloads)."""
        r = rng.random
        values = (
            JOB_TITLES[int(r() * len(JOB_TITLES))] if r() < 0.3 else None,
            "Runs marketing and client intake" if r() < 0.1 else None,
            f"{int(r() * 20) + 1} years" if r() < 0.2 else None,
            int(r() * 50) + 20 if r() < 0.25 else None,  # WHOLE_NUMBER: a JSON number, not a string
            self._date(rng, 2024, 2027) + "T00:00:00.000Z" if r() < 0.1 else None,
        )
        return [_UNSET_CUSTOM_FIELD[cf[0]] if value is None else {"id": cf[0], "content": value}
                for cf, value in zip(CONTACT_CUSTOM_FIELDS, values)]

    def _links(self, rng: Random, earlier: list[dict]) -> list[dict]:
        if not earlier or rng.random() >= 0.02:
            return _EMPTY
        other = earlier[int(rng.random() * len(earlier))]
        type_id, type_name = LINK_TYPES[int(rng.random() * len(LINK_TYPES))]
        return [{"id": str(int(rng.random() * 10**6)), "linked_contact_id": other["id"],
                 "link_type_id": type_id, "link_type_name": type_name}]

    def _utm(self, rng: Random, cid: str, created_iso: str) -> list[dict]:
        # Keap's ContactUtmResponse is camelCase with an integer id, unlike the rest of v2.
        source, medium = UTM_SOURCES[int(rng.random() * len(UTM_SOURCES))]
        return [{"id": int(cid) * 3, "keapSourceId": None, "utmSource": source, "utmMedium": medium,
                 "utmTerm": None, "utmCampaign": f"spring-{int(rng.random() * 5) + 2021}",
                 "utmContent": None, "firstTouch": True, "lastTouch": True, "dateCreated": created_iso}]

    @staticmethod
    def _date(rng: Random, first_year: int, last_year: int) -> str:
        start = date(first_year, 1, 1).toordinal()
        span = date(last_year, 12, 31).toordinal() - start
        return date.fromordinal(start + int(rng.random() * span)).isoformat()

    def _build_commission_programs(self) -> list[dict]:
        """v2 ``AffiliateProgramV2``: note ``priority`` is a *string* and ids are strings."""
        rng = self._rng("commission_programs")
        programs = []
        for i in range(max(3, self.scale // 200)):
            name = PROGRAM_NAMES[i % len(PROGRAM_NAMES)]
            if i >= len(PROGRAM_NAMES):
                name = f"{name} {i // len(PROGRAM_NAMES) + 1}"
            members = rng.sample(self.affiliate_ids, k=min(len(self.affiliate_ids), int(rng.random() * 6)))
            created = self.now_ms - 1 - int(HISTORY_DAYS * DAY_MS * rng.random())
            programs.append({
                "id": str(i + 1),
                "name": name,
                "priority": str(i),
                "notes": f"Commission plan for {name.lower()}" if rng.random() < 0.6 else None,
                "create_time": iso_ms(created),
                "affiliate_ids": sorted(members, key=int),
            })
        return programs
