"""Refresh tokens lapse after 45 idle days: the keep-alive schedule and job keep them alive."""

from __future__ import annotations

import json
import time

import dagster as dg
import requests

from infusionsoft_assets.definitions import KEEPALIVE_AFTER_DAYS, KEEPALIVE_JOB, build_definitions, keepalive_request
from infusionsoft_assets.keap.account import token_url
from infusionsoft_assets.settings import Settings


def oauth_settings(sandbox, token_file) -> Settings:
    creds = sandbox.credentials
    return Settings(api_url=sandbox.base_url, client_id=creds.client_id, client_secret=creds.client_secret,
                    token_file=str(token_file))


def test_the_schedule_asks_for_a_refresh_only_when_none_happened_for_two_weeks(sandbox, token_file):
    settings = oauth_settings(sandbox, token_file)
    now = time.time()
    assert isinstance(keepalive_request(settings, now), dg.SkipReason)
    later = now + (KEEPALIVE_AFTER_DAYS + 1) * 86400
    assert isinstance(keepalive_request(settings, later), dg.RunRequest)
    keyed = Settings(api_url=sandbox.base_url, api_key=sandbox.credentials.api_key)
    assert "API key" in keepalive_request(keyed, later).skip_message


def test_the_keepalive_job_rotates_the_pair_and_keap_accepts_only_the_new_one(sandbox, token_file):
    before = json.loads(token_file.read_text())
    defs = build_definitions(oauth_settings(sandbox, token_file))
    with dg.instance_for_test() as instance:
        assert defs.resolve_job_def(KEEPALIVE_JOB).execute_in_process(instance=instance).success
    after = json.loads(token_file.read_text())
    assert after["refresh_token"] != before["refresh_token"] and after["obtained_at"] >= before["obtained_at"]
    creds = sandbox.credentials
    replay = requests.post(token_url(sandbox.base_url), auth=(creds.client_id, creds.client_secret), timeout=10,
                           data={"grant_type": "refresh_token", "refresh_token": before["refresh_token"]})
    assert replay.status_code == 400 and replay.json()["error"] == "invalid_grant"  # the old one died
