"""Saved searches: their fields and their results (Domo reports 28–30). Keap's v2 flags the saved-search
list and run operations "Deprecated as of v2"; they are the only REST home of these reports."""

from __future__ import annotations

from ..extract import TARGET
from ..params import Option
from ..sources import Detail, FanOut, Listing, ReportRun
from ..spec import Column, Dates, ReportSpec


def _saved_searches() -> FanOut:
    return FanOut("saved_searches", "report_id", kind="saved_search",
                  all_from=Listing("/reporting/reports", "reports"), default_all=True,
                  description="saved search ids or names, or * / all")


SEARCH_FIELDS = ReportSpec(
    name="search_available_fields", domo_report="Search - Available Fields", group="search",
    description="The columns each given saved search offers (every saved search by default).",
    source=Detail("/reporting/reports/{report_id}/model", record_path="fields"),
    fan_out=_saved_searches(), dates=Dates.LOOKUP, primary_key=("saved_search_id", "field_name"),
    columns=(Column("saved_search_id", "BIGINT", TARGET), Column("field_name", "VARCHAR", "name"),
             Column("label", "VARCHAR", "label")),
)

_RUN_COLUMNS = (Column("saved_search_id", "BIGINT", TARGET), Column("row_number", "BIGINT", "__row__",
                                                                     "the row's place in Keap's answer"))

SAVED_SEARCH = ReportSpec(
    name="saved_search", domo_report="Search - Saved Search", group="search",
    description=("Each given saved search's full result, now (every saved search by default): one column per "
                 "field of the search's model, as text (Keap sends every value as a string)."),
    source=ReportRun(), fan_out=_saved_searches(), dates=Dates.LOOKUP,
    primary_key=("saved_search_id", "row_number"), columns=_RUN_COLUMNS,
)

SAVED_SEARCH_NEW = ReportSpec(
    name="saved_search_new", domo_report="Search - Saved Search New", group="search",
    description="A saved search's result with the chosen fields only (one column each, as text), now.",
    source=ReportRun(selected_fields=True), fan_out=_saved_searches(),
    options=(Option("fields", "field", "the saved search's field names to return", required=True),),
    dates=Dates.LOOKUP, primary_key=("saved_search_id", "row_number"), columns=_RUN_COLUMNS,
)

REPORTS = (SEARCH_FIELDS, SAVED_SEARCH, SAVED_SEARCH_NEW)
