"""OAuth against the sandbox over HTTP: login, rotation persisted, concurrent refreshes, failures."""

from __future__ import annotations

import json
import multiprocessing
import stat

import pytest
import requests

from infusionsoft_assets.keap import ApiKeyCredentials, AuthError, KeapClient, TokenSet, TokenStore
from infusionsoft_assets.keap.account import token_url

from .conftest import oauth_credentials


def age_tokens(path, **changes):
    """Make the stored pair look expired (or otherwise changed) without waiting for it."""
    data = json.loads(path.read_text())
    data.update({"expires_at": 0, **changes})
    path.write_text(json.dumps(data))


def contacts_ok(base_url: str, headers: dict) -> bool:
    r = requests.get(base_url + "/crm/rest/v2/contacts", params={"page_size": 1}, headers=headers, timeout=10)
    return r.status_code == 200


def test_login_stores_a_working_pair_privately(sandbox, token_file):
    assert stat.S_IMODE(token_file.stat().st_mode) == 0o600
    stored = TokenStore(token_file).read()
    assert contacts_ok(sandbox.base_url, {"Authorization": f"Bearer {stored.access_token}"})
    assert stored.scope.startswith("full|")


def test_refresh_rotates_and_the_new_pair_is_persisted(sandbox, token_file):
    before = TokenStore(token_file).read()
    age_tokens(token_file)
    creds = oauth_credentials(sandbox, token_file)
    creds.access_token()
    after = TokenStore(token_file).read()
    assert after.refresh_token != before.refresh_token
    assert after.expires_at > before.expires_at
    assert contacts_ok(sandbox.base_url, {"Authorization": f"Bearer {after.access_token}"})
    # The server side agrees that the old refresh token died: replaying it is refused.
    replay = requests.post(token_url(sandbox.base_url), data={"grant_type": "refresh_token",
                                                               "refresh_token": before.refresh_token},
                           auth=(sandbox.credentials.client_id, sandbox.credentials.client_secret), timeout=10)
    assert replay.status_code == 400 and replay.json()["error"] == "invalid_grant"


def _refresh_and_call(base_url, client_id, client_secret, token_path, barrier, results):
    from infusionsoft_assets.keap import OAuthCredentials, TokenStore

    creds = OAuthCredentials(token_url=base_url + "/token", client_id=client_id, client_secret=client_secret,
                             store=TokenStore(token_path))
    barrier.wait(30)
    try:
        client = KeapClient(base_url, creds)
        page = next(client.iter_v2_pages("/contacts", "contacts", page_size=5))
        results.put(("ok", len(page), creds.refreshes))
    except Exception as exc:  # reported to the parent, which fails the test
        results.put(("error", repr(exc), 0))


def test_processes_refreshing_at_once_all_succeed(sandbox, token_file):
    age_tokens(token_file)
    ctx = multiprocessing.get_context("spawn")
    n = 4
    barrier, results = ctx.Barrier(n), ctx.Queue()
    creds = sandbox.credentials
    procs = [ctx.Process(target=_refresh_and_call, args=(sandbox.base_url, creds.client_id, creds.client_secret,
                                                          str(token_file), barrier, results)) for _ in range(n)]
    for p in procs:
        p.start()
    outcomes = [results.get(timeout=120) for _ in range(n)]
    for p in procs:
        p.join(60)
    assert [o[0] for o in outcomes] == ["ok"] * n, outcomes
    # Exactly one process refreshed; the others re-read the store under the lock and used its pair.
    assert sum(o[2] for o in outcomes) == 1


def test_a_rejected_access_token_is_refreshed_once(sandbox, token_file):
    stored = TokenStore(token_file).read()
    age_tokens(token_file, access_token="revoked-token", expires_at=stored.expires_at)
    creds = oauth_credentials(sandbox, token_file)
    client = KeapClient(sandbox.base_url, creds)
    assert next(client.iter_v2_pages("/contacts", "contacts", page_size=3))
    assert creds.refreshes == 1
    assert TokenStore(token_file).read().access_token != "revoked-token"


def test_a_dead_refresh_token_fails_with_an_actionable_message(sandbox, token_file):
    age_tokens(token_file, refresh_token="long-gone")
    creds = oauth_credentials(sandbox, token_file)
    with pytest.raises(AuthError) as info:
        creds.access_token()
    message = str(info.value)
    assert "invalid_grant" in message and "auth login" in message
    assert sandbox.credentials.client_secret not in message and "long-gone" not in message
    # The old (useless but untouched) pair is still there: a failure never half-writes the store.
    assert TokenStore(token_file).read().refresh_token == "long-gone"


def test_api_key_works_and_a_bad_one_names_the_setting(sandbox):
    good = KeapClient(sandbox.base_url, ApiKeyCredentials(sandbox.credentials.api_key))
    assert next(good.iter_v2_pages("/contacts", "contacts", page_size=2))
    waits: list[float] = []
    bad = KeapClient(sandbox.base_url, ApiKeyCredentials("not-the-key-123"), sleep=waits.append)
    with pytest.raises(AuthError) as info:
        next(bad.iter_v2_pages("/contacts", "contacts", page_size=2))
    assert "INFUSIONSOFT_API_KEY" in str(info.value) and "not-the-key-123" not in str(info.value)
    assert waits == [2.0]  # Keap's gateway sends spurious 401s: one more try after a short wait


@pytest.mark.parametrize("body, missing", [
    ({"access_token": "a", "expires_in": 10}, "refresh_token"),
    ({"refresh_token": "r", "expires_in": 10}, "access_token"),
    ({"access_token": "a", "refresh_token": "r"}, "expires_in"),
])
def test_incomplete_token_answers_are_rejected_before_saving(body, missing):
    with pytest.raises(AuthError, match=missing):
        TokenSet.from_token_response(body, now=0)


def test_credentials_never_show_secrets(sandbox, token_file):
    creds = oauth_credentials(sandbox, token_file)
    assert sandbox.credentials.client_secret not in repr(creds)
    assert sandbox.credentials.api_key not in repr(ApiKeyCredentials(sandbox.credentials.api_key))


def test_the_callback_keeps_the_first_answer_and_ignores_stray_requests():
    import threading

    from infusionsoft_assets.keap.login import _Callback, _callback_server

    got, done = _Callback(), threading.Event()
    server = _callback_server(0, got, done, state="s1")
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        assert requests.get(base + "/favicon.ico", timeout=5).status_code == 404 and not done.is_set()
        page = requests.get(base + "/callback", params={"code": "c1", "state": "s1"}, timeout=5)
        assert done.is_set() and "authorised this tool" in page.text
        assert requests.get(base + "/callback", params={"code": "evil", "state": "s1"}, timeout=5).status_code == 404
        assert (got.code, got.state) == ("c1", "s1")
    finally:
        server.shutdown()
        server.server_close()


def test_a_callback_with_the_wrong_state_is_not_called_authorised():
    import threading

    from infusionsoft_assets.keap.login import _Callback, _callback_server

    got, done = _Callback(), threading.Event()
    server = _callback_server(0, got, done, state="expected")
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        page = requests.get(f"http://127.0.0.1:{server.server_address[1]}/callback",
                            params={"code": "c", "state": "forged"}, timeout=5)
        assert "did not authorise" in page.text
    finally:
        server.shutdown()
        server.server_close()
