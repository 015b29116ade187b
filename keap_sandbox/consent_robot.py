"""Approving the sandbox's OAuth consent page headlessly, as a person pressing "Allow" would.

For the demo, ``infusionsoft-assets auth login --approve-sandbox`` and the tests: the product's login
flow (``infusionsoft_assets.keap.login.login(approve=...)``) calls :func:`approve_sandbox_consent` with
the consent URL. It refuses any host that does not answer with ``x-keap-sandbox: true``: a real Keap
account always needs a person in a browser.
"""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import urljoin

import requests


class ConsentRefused(Exception):
    """The consent page could not be approved headlessly (not the sandbox, or not the page it expects)."""


def approve_sandbox_consent(consent_url: str, session: requests.Session | None = None) -> None:
    """Submit the sandbox's consent form as a person would press "approve"; refuses a real Keap host."""
    session = session or requests.Session()
    page = session.get(consent_url, timeout=30)
    if page.headers.get("x-keap-sandbox") != "true":
        raise ConsentRefused("Headless approval only works against the bundled sandbox; open the URL in a browser")
    page.raise_for_status()
    form = re.search(r"<form[^>]*action=\"([^\"]+)\"[^>]*>(.*?)</form>", page.text, re.S | re.I)
    if not form:
        raise ConsentRefused("The sandbox consent page has no form")
    fields = {unescape(n): unescape(v) for n, v in
              re.findall(r"<input[^>]*name=\"([^\"]+)\"[^>]*value=\"([^\"]*)\"", form.group(2), re.I)}
    approve = re.search(r"<button[^>]*name=\"(approve)\"[^>]*value=\"([^\"]*)\"", form.group(2), re.I)
    if not approve:
        raise ConsentRefused("The sandbox consent page has no approve button")
    fields[approve.group(1)] = unescape(approve.group(2))  # the button a person would press
    answer = session.post(urljoin(consent_url, unescape(form.group(1))), data=fields, allow_redirects=False,
                          timeout=30)
    location = answer.headers.get("Location")
    if answer.status_code not in (302, 303) or not location:
        raise ConsentRefused(f"The sandbox consent form answered {answer.status_code}, not a redirect")
    session.get(location, timeout=30)  # deliver the code to our callback, as the browser would
