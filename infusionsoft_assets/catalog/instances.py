"""Report instances: what users configure, like Domo data sets. Each instance is one asset.

A YAML file (``INFUSIONSOFT_REPORTS_FILE``; :data:`DEFAULT_FILE` when unset) lists them::

    reports:
      - report: affiliate_commissions          # a report of the catalog (`infusionsoft-assets reports`)
        asset: commissions_top_affiliates      # optional; default: the report's name
        params: {affiliate_ids: [12, 31]}      # optional; "all" where the report can enumerate targets
        schedule: {cron: "0 7 * * *", days_back: 7}   # optional; else the two default schedules

Everything is validated when definitions load: an unknown report, key, parameter or value is rejected
with a message naming the instance and the key, and nothing loads half.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from .params import ALL, ParamError, validate, validate_option
from .spec import Dates, ReportSpec

DEFAULT_FILE = Path(__file__).with_name("default_reports.yaml")


class InstancesError(ValueError):
    """The reports file is not valid; one line per problem, each naming the instance and key."""


class ScheduleConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    cron: str
    days_back: int | None = None

    @field_validator("cron")
    @classmethod
    def _cron(cls, value: str) -> str:
        from dagster._utils.schedules import is_valid_cron_string

        if not is_valid_cron_string(value):
            raise ValueError(f"{value!r} is not a cron expression (e.g. '0 6 * * *')")
        return value

    @field_validator("days_back")
    @classmethod
    def _days(cls, value: int | None) -> int | None:
        if value is not None and not 1 <= value <= 3660:
            raise ValueError(f"{value} must be between 1 and 3660")
        return value


class InstanceConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    report: str
    asset: str | None = None
    params: dict[str, Any] = {}
    schedule: ScheduleConfig | None = None


class ReportsFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reports: list[InstanceConfig]


@dataclass(frozen=True)
class ReportInstance:
    """One configured report: the asset it becomes and its validated parameters."""

    asset: str
    spec: ReportSpec
    params: Mapping[str, Any] = field(default_factory=dict)
    schedule: ScheduleConfig | None = None
    group: str | None = None          # the UI's asset group, when not the report's own

    @property
    def dates(self) -> Dates:
        return self.spec.dates

    def describe_params(self) -> str:
        shown = {k: ", ".join(map(str, v)) if isinstance(v, list) else v for k, v in self.params.items()}
        return "; ".join(f"{k}={v}" for k, v in shown.items()) or "-"


def load(path: str | Path | None, catalog: Mapping[str, ReportSpec]) -> tuple[ReportInstance, ...]:
    """The instances of ``path`` (default: the shipped file), validated against ``catalog``."""
    path = Path(path).expanduser() if path else DEFAULT_FILE
    where = f"reports file {path}"
    try:
        raw = yaml.safe_load(path.read_text())
    except OSError as exc:
        raise InstancesError(f"{where}: cannot be read ({exc.strerror or type(exc).__name__})") from None
    except yaml.YAMLError as exc:
        raise InstancesError(f"{where}: is not valid YAML ({str(exc).splitlines()[0]})") from None
    try:
        parsed = ReportsFile.model_validate(raw if raw is not None else {"reports": []})
    except ValidationError as exc:
        raise InstancesError("\n".join(f"{where}: {_describe(raw, err)}" for err in exc.errors())) from None
    problems: list[str] = []
    instances: list[ReportInstance] = []
    seen: dict[str, int] = {}
    for index, config in enumerate(parsed.reports):
        label = f"reports[{index}] ({config.asset or config.report})"
        try:
            instance = build_instance(config, catalog)
        except InstancesError as exc:
            problems.append(f"{where}: {label}: {exc}")
            continue
        if instance.asset in seen:
            problems.append(f"{where}: {label}: asset: {instance.asset!r} is already the asset of "
                            f"reports[{seen[instance.asset]}]; give one of them another `asset:` name")
            continue
        seen[instance.asset] = index
        instances.append(instance)
    if problems:
        raise InstancesError("\n".join(problems))
    return tuple(instances)


def build_instance(config: InstanceConfig, catalog: Mapping[str, ReportSpec]) -> ReportInstance:
    spec = catalog.get(config.report)
    if spec is None:
        raise InstancesError(f"report: {config.report!r} is not a report of the catalog "
                             "(`infusionsoft-assets reports` lists them)")
    params: dict[str, Any] = {}
    unknown = set(config.params) - set(spec.params)
    if unknown:
        known = ", ".join(spec.params) or "none"
        raise InstancesError(f"params.{sorted(unknown)[0]}: {spec.name} takes no such parameter (it takes: {known})")
    fan = spec.fan_out
    if fan:
        value = config.params.get(fan.param)
        if value is None:
            if not fan.default_all:
                raise InstancesError(f"params.{fan.param}: required ({fan.description or fan.kind + ' values'})")
            value = ALL
        try:
            params[fan.param] = validate(fan.kind, value, allow_all=bool(fan.all_from or fan.all_unfiltered))
        except ParamError as exc:
            raise InstancesError(f"params.{fan.param}: {exc}") from None
    for option in spec.options:
        value = config.params.get(option.name)
        if value is None:
            if option.required:
                raise InstancesError(f"params.{option.name}: required ({option.description})")
            continue
        try:
            params[option.name] = validate_option(option, value)
        except ParamError as exc:
            raise InstancesError(f"params.{option.name}: {exc}") from None
    if spec.derive is not None:  # a report whose shape depends on its parameters (a data table)
        try:
            spec = spec.derive(params)
        except ParamError as exc:
            raise InstancesError(str(exc)) from None
    asset = config.asset or spec.default_asset or spec.name
    if not re.fullmatch(r"[a-z][a-z0-9_]{0,62}", asset):
        raise InstancesError(f"asset: {asset!r} must be snake_case (a-z, 0-9, _), starting with a letter")
    schedule = config.schedule
    if schedule and schedule.days_back is not None and spec.dates is not Dates.RANGE:
        raise InstancesError(f"schedule.days_back: {spec.name} is a {spec.dates.value} report; only range "
                             "reports re-pull days back")
    return ReportInstance(asset, spec, params, schedule)


def _describe(raw: Any, err: Mapping[str, Any]) -> str:
    loc = list(err.get("loc", ()))
    where = ""
    if len(loc) >= 2 and loc[0] == "reports" and isinstance(loc[1], int):
        entry = raw["reports"][loc[1]] if isinstance(raw, dict) else None
        name = entry.get("asset") or entry.get("report") if isinstance(entry, dict) else None
        where = f"reports[{loc[1]}]" + (f" ({name})" if name else "") + ": "
        loc = loc[2:]
    key = ".".join(str(part) for part in loc) or "reports"
    message = str(err.get("msg", "is not valid")).removeprefix("Value error, ")
    if err.get("type") == "extra_forbidden":
        message = "is not a known key"
    return f"{where}{key}: {message}"
