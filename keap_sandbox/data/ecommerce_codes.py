"""The e-commerce domain's codes and names, and the small helpers its builders share.

Codes are the sandbox's choices where Keap documents none (see :mod:`.ecommerce`), used consistently by
every facade: the renderers read :data:`ITEM_TYPES`, :data:`CYCLES`, :data:`PLAN_ITEM_STATUS` and
:data:`V2_PAY_TYPE` from here.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from ..wire import EPOCH, from_ms
from .pools import DAY_MS

ITEM_TYPES = {1: "SHIPPING", 2: "TAX", 3: "SERVICE", 4: "PRODUCT", 5: "UPSELL", 6: "FINANCE_CHARGE",
              7: "DISCOUNT", 8: "PROGRAM", 9: "SUBSCRIPTION", 10: "DISCOUNT_FREE_TRIAL",
              11: "DISCOUNT_ORDER_TOTAL", 12: "DISCOUNT_PRODUCT", 13: "DISCOUNT_PRODUCT_CATEGORY",
              14: "DISCOUNT_SHIPPING"}
PLAN_ITEM_STATUS = {0: "UNPAID_MANUAL", 1: "PAID", 2: "FAILED", 3: "UNPAID_AUTOCHARGE"}
CYCLES = {"1": ("YEAR", "YEARLY", 12), "2": ("MONTH", "MONTHLY", 1), "3": ("WEEK", "WEEKLY", 0),
          "6": ("DAY", "DAILY", 0)}  # code -> (subscription cycle, plan cycle_type, months per period)
CYCLE_DAYS = {"3": 7, "6": 1}
# (legacy PayType, v2 payment type, paid by card, weight)
PAY_TYPES = (("Credit Card", "CREDIT_CARD", True, 74), ("Check", "CHECK", False, 10),
             ("Cash", "CASH", False, 8), ("Credit Card (Manual)", "CREDIT_CARD_MANUAL", True, 5),
             ("Money Order", "MONEY_ORDER", False, 2), ("Adjustment", "ADJUSTMENT", False, 1))
PAYMENT_OPTION_NAMES = ("Credit Card (Manual)", "Check", "Cash", "Money Order", "Adjustment",
                        "Credit Card", "Credit", "Refund")
V2_PAY_TYPE = {row[0]: row[1] for row in PAY_TYPES} | {"Refund": "REFUND", "Credit": "CREDIT"}
#: v2 payment type -> the legacy label (v1 affiliate payments, XML-RPC ``affPayouts``).
PAY_TYPE_LABELS = {v2: legacy for legacy, v2 in V2_PAY_TYPE.items()}
MERCHANT_ACCOUNTS = ({"id": 1, "name": "Keap Payments", "type": "KEAP_PAY"},
                     {"id": 3, "name": "Stripe", "type": "STRIPE"},
                     {"id": 5, "name": "Authorize.Net", "type": "AUTHORIZE"})
CARD_BRANDS = (("Visa", "4"), ("MasterCard", "5"), ("American Express", "3"), ("Discover", "6"))
PRODUCT_NAMES = (
    "Starter Coaching Package", "Monthly Membership", "Growth Playbook (eBook)", "Wellness Kit",
    "60-Minute Consultation", "Workshop Ticket", "Premium Support Plan", "Logo T-Shirt",
    "Insulated Water Bottle", "Online Course: Marketing Basics", "VIP Mastermind", "Gift Card",
    "Yoga Mat", "Protein Bundle", "Tax Prep Session", "Website Audit", "Photo Session",
    "Dental Whitening Kit", "Home Inspection", "Landscape Design Plan", "Bakery Box",
    "Realtor Lead Pack", "Legal Document Review", "Tutoring Hour (4-pack)", "Detailing Package")
CATEGORY_NAMES = ("Coaching", "Memberships", "Digital Products", "Merchandise", "Services",
                  "Events", "Gift Cards", "Bundles")
OPTION_LABELS = (("Size", ("Small", "Medium", "Large", "X-Large")), ("Color", ("Black", "Blue", "Red")),
                 ("Format", ("PDF", "Paperback")), ("Session Length", ("30 min", "60 min", "90 min")))
REASONS_STOPPED = ("Cancelled by customer", "Card declined", "Moved to annual plan", "Trial ended")


# --------------------------------------------------------------------------- small helpers


_DAYS: dict[int, datetime] = {}


def instant(ms: int) -> datetime:
    """Like :func:`~keap_sandbox.wire.from_ms`, but a midnight shares :func:`day_of`'s object (billing periods start at one)."""
    return day_of(ms) if ms % DAY_MS == 0 else from_ms(ms)


def day_of(ms: int) -> datetime:
    """Midnight UTC of the day holding ``ms`` (Date columns); shared objects, as days repeat a lot."""
    number = ms // DAY_MS
    value = _DAYS.get(number)
    if value is None:
        value = _DAYS[number] = EPOCH + timedelta(days=number)
    return value


_MONEY: dict[int, float] = {}


def money(cents: int) -> float:
    """Dollars of ``cents``, one shared float per amount (prices and totals repeat across ~500k
    money cells at scale 100,000; :func:`build` empties the cache when it is done). The cache only
    ever maps cents to their own value, so builds in concurrent threads cannot disturb each other."""
    value = _MONEY.get(cents)
    if value is None:
        # A correctly rounded division is already the double nearest to the decimal amount.
        value = _MONEY[cents] = cents / 100
    return value


_SMALL_SET = 21  # random.sample's own threshold for k <= 5: below it, it samples from a list copy


def sample(rng, population: list, k: int) -> list:
    """``rng.sample(population, k)``, the same draws and result, without its per-call overhead
    (the ABC check and set-up cost more than the draws for the 1-4 products of an order line)."""
    n = len(population)
    if k > 5 or n <= _SMALL_SET or k > n:
        return rng.sample(population, k)
    randbelow, selected, result = rng._randbelow, set(), []  # noqa: SLF001 - the draw sample() uses
    for _ in range(k):
        j = randbelow(n)
        while j in selected:
            j = randbelow(n)
        selected.add(j)
        result.append(population[j])
    return result


class Ids:
    """Increasing ids with occasional gaps (deleted rows), one stream per table."""

    def __init__(self, rng, start: int = 1):
        self.rng, self.next = rng, start

    def __call__(self) -> int:
        value = self.next
        roll = self.rng.random()
        self.next += 1 if roll >= 0.08 else 1 + int(roll * 37.5)  # ~8% leave a gap of 1-3 ids
        return value


_PAY_TYPE_TOTAL = sum(row[-1] for row in PAY_TYPES)


def weighted_pick(rng, rows, total=_PAY_TYPE_TOTAL):
    roll, acc = rng.random() * total, 0
    for row in rows:
        acc += row[-1]
        if roll < acc:
            return row
    return rows[-1]


def add_period(start: date, code: str, frequency: int, n: int) -> date:
    """``start`` plus ``n`` billing periods of ``frequency`` cycles."""
    if code not in CYCLE_DAYS:
        months = CYCLES[code][2] * frequency * n
        total = start.month - 1 + months
        return date(start.year + total // 12, total % 12 + 1, min(start.day, 28))
    return start + timedelta(days=CYCLE_DAYS[code] * frequency * n)


def date_ms(day: date) -> int:
    return (day.toordinal() - date(1970, 1, 1).toordinal()) * DAY_MS


def clear_money() -> None:
    """Forget the shared money floats (:func:`money`) once a build is done."""
    _MONEY.clear()
