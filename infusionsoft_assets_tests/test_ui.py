"""The Dagster UI in a real headless Chromium (Playwright driving Debian's /usr/bin/chromium, which
.ci/run installs): a user opens the contacts asset, materializes yesterday's partition from the
"Materialize…" dialog, and the run writes exactly the sandbox's contacts for that day."""

from __future__ import annotations

import os
import re
from datetime import timedelta
from pathlib import Path

import duckdb
import pytest

from infusionsoft_assets.dates import utc_today

from .test_assets import expected_ids

playwright_api = pytest.importorskip("playwright.sync_api")
CHROMIUM = os.environ.get("DAGSTER_UI_CHROMIUM", "/usr/bin/chromium")
if not Path(CHROMIUM).exists():
    pytest.skip(f"no Chromium at {CHROMIUM} (.ci/run installs Debian's)", allow_module_level=True)
expect = playwright_api.expect
expect.set_options(timeout=30_000)  # expect() has its own 5 s default; a cold instance needs more
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]
RUNS_BY_TAG = """query($filter: RunsFilter) { runsOrError(filter: $filter) {
  ... on Runs { results { runId status tags { key value } } } } }"""


@pytest.fixture
def page(dagster_dev, tmp_path):
    dev, _ = dagster_dev
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        context = browser.new_context(base_url=dev.url, viewport={"width": 1400, "height": 900},
                                      timezone_id="UTC", locale="en-US")
        context.set_default_timeout(30_000)
        page = context.new_page()
        try:
            yield page
        finally:
            page.screenshot(path=str(tmp_path / "last-page.png"), full_page=True)
            context.close()
            browser.close()


def test_materialize_a_partition_from_the_ui(sandbox, dagster_dev, page):
    dev, db = dagster_dev
    yesterday = utc_today() - timedelta(days=1)
    day = yesterday.isoformat()
    page.goto("/assets/contacts")
    expect(page.get_by_text("Domo report: Data - Query a Data Table").first).to_be_visible()
    page.get_by_role("button", name="Materialize…").click()
    dialog = page.get_by_role("dialog").filter(has_text="Launch runs to materialize contacts")
    expect(dialog).to_be_visible()
    picker = dialog.get_by_role("textbox")
    picker.fill(day)
    picker.press("Enter")
    expect(dialog.get_by_text("1 partition", exact=True)).to_be_visible()
    dialog.get_by_role("button", name="Launch 1 run").click()
    toast = page.get_by_text(re.compile(r"Launched run [0-9a-f]{8}"))
    expect(toast).to_be_visible()
    short_id = re.search(r"[0-9a-f]{8}", toast.inner_text()).group(0)

    def finished_run():
        runs = dev.graphql(RUNS_BY_TAG, {"filter": {"tags": [{"key": "dagster/partition", "value": day}]}})
        results = runs["runsOrError"]["results"]
        return results[0] if results and results[0]["status"] in ("SUCCESS", "FAILURE", "CANCELED") else None

    run = dev.poll(finished_run, 120, "the run launched from the UI")
    assert run["runId"].startswith(short_id) and run["status"] == "SUCCESS"
    tags = {t["key"]: t["value"] for t in run["tags"]}
    assert tags.get("dagster/from_ui") == "true"
    with duckdb.connect(str(db), read_only=True) as conn:
        ids = {r[0] for r in conn.execute("SELECT contact_id FROM keap.contacts").fetchall()}
    assert ids == expected_ids(sandbox, yesterday, yesterday)[yesterday]
    page.goto("/assets/contacts?view=partitions")
    expect(page.get_by_text("Materialized (1)")).to_be_visible()
