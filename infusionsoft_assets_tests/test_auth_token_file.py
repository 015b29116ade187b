"""Token file hygiene: bad fields fail clearly, folders are not invented, open modes are warned about,
``obtained_at`` is kept, ``refresh_now`` rotates on demand and ``describe`` shows no secret."""

from __future__ import annotations

import json
import logging
import stat

import pytest

from infusionsoft_assets.keap import AuthError, OAuthCredentials, TokenSet, TokenStore

from .conftest import oauth_credentials

AT, RT = "AT-0123456789-secret-access", "RT-9876543210-secret-refresh"
GOOD = {"access_token": AT, "refresh_token": RT, "expires_at": 1_900_000_000.0,
        "scope": "full|ab123.infusionsoft.com", "token_type": "bearer"}


def write_raw(path, data) -> None:
    path.write_text(data if isinstance(data, str) else json.dumps(data))
    path.chmod(0o600)


@pytest.mark.parametrize("change, field", [
    ({"expires_at": "tomorrow"}, "expires_at"),
    ({"expires_at": None}, "expires_at"),
    ({"expires_at": [1]}, "expires_at"),
    ({"expires_at": "nan"}, "expires_at"),
    ({"access_token": None}, "access_token"),
    ({"refresh_token": 12345}, "refresh_token"),
    ({"refresh_token": ""}, "refresh_token"),
    ({"scope": ["full"]}, "scope"),
    ({"obtained_at": "yesterday"}, "obtained_at"),
])
def test_a_bad_field_names_the_file_and_the_field_never_a_value(tmp_path, change, field):
    path = tmp_path / "tokens.json"
    write_raw(path, {**GOOD, **change})
    with pytest.raises(AuthError) as info:
        TokenStore(path).read()
    message = str(info.value)
    assert str(path) in message and f"'{field}'" in message and "infusionsoft-assets auth login" in message
    assert AT not in message and RT not in message and "12345" not in message and "tomorrow" not in message


@pytest.mark.parametrize("missing", ["expires_at", "access_token", "refresh_token"])
def test_a_missing_field_is_named(tmp_path, missing):
    path = tmp_path / "tokens.json"
    write_raw(path, {k: v for k, v in GOOD.items() if k != missing})
    with pytest.raises(AuthError, match=f"'{missing}' is missing"):
        TokenStore(path).read()


@pytest.mark.parametrize("raw", ["{not json", "[1, 2]", "null"])
def test_a_file_that_is_not_a_json_object_is_an_auth_error(tmp_path, raw):
    path = tmp_path / "tokens.json"
    write_raw(path, raw)
    with pytest.raises(AuthError, match="auth login") as info:
        TokenStore(path).read()
    assert str(path) in str(info.value)


def test_the_credentials_surface_a_broken_file_as_an_auth_error_too(tmp_path):
    path = tmp_path / "tokens.json"
    write_raw(path, {**GOOD, "expires_at": "soon"})
    creds = OAuthCredentials(token_url="http://127.0.0.1:9/token", client_id="c", client_secret="s",
                             store=TokenStore(path))
    with pytest.raises(AuthError, match="expires_at"):
        creds.access_token()


def test_a_numeric_string_expiry_and_an_old_file_without_obtained_at_still_load(tmp_path):
    path = tmp_path / "tokens.json"
    write_raw(path, {**GOOD, "expires_at": "1900000000"})
    tokens = TokenStore(path).read()
    assert tokens.expires_at == 1_900_000_000 and tokens.obtained_at is None
    assert tokens.tenant == "ab123.infusionsoft.com"


# --------------------------------------------------------------------------- folders


def test_writing_into_a_missing_folder_is_refused_naming_it(tmp_path):
    folder = tmp_path / "no" / "such"
    with pytest.raises(AuthError) as info:
        TokenStore(folder / "tokens.json").write(TokenSet(AT, RT, 1.0))
    assert str(folder) in str(info.value) and "does not exist" in str(info.value)
    assert not folder.exists() and AT not in str(info.value)


def test_the_default_folder_is_ours_to_create_privately(tmp_path):
    folder = tmp_path / "config" / "infusionsoft-assets"
    store = TokenStore(folder / "tokens.json", create_folder=True)
    store.write(TokenSet(AT, RT, 1.0))
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE((folder / "tokens.json").stat().st_mode) == 0o600
    assert store.read().access_token == AT


def test_a_login_into_a_missing_folder_fails_before_anything_is_sent(tmp_path):
    store = TokenStore(tmp_path / "missing" / "tokens.json")
    creds = OAuthCredentials(token_url="http://127.0.0.1:9/token", client_id="c", client_secret="s", store=store)
    with pytest.raises(AuthError, match="does not exist"):
        creds.access_token()  # the lock file would live in that folder too


# --------------------------------------------------------------------------- modes


def test_an_open_token_file_is_warned_about_once_per_store(tmp_path, caplog):
    path = tmp_path / "tokens.json"
    write_raw(path, GOOD)
    path.chmod(0o644)
    store = TokenStore(path)
    with caplog.at_level(logging.WARNING, "infusionsoft_assets.keap.auth"):
        store.read()
        store.read()
    warnings = [r.getMessage() for r in caplog.records if "token file" in r.getMessage()]
    assert len(warnings) == 1
    assert str(path) in warnings[0] and "0644" in warnings[0] and f"chmod 600 {path}" in warnings[0]
    assert AT not in warnings[0]
    caplog.clear()
    with caplog.at_level(logging.WARNING, "infusionsoft_assets.keap.auth"):
        TokenStore(path).read()  # another store (another process, another run) says it again
    assert any("0644" in r.getMessage() for r in caplog.records)


def test_a_private_token_file_is_not_warned_about(tmp_path, caplog):
    path = tmp_path / "tokens.json"
    write_raw(path, GOOD)
    with caplog.at_level(logging.WARNING, "infusionsoft_assets.keap.auth"):
        TokenStore(path).read()
    assert not caplog.records


# --------------------------------------------------------------------------- obtained_at, refresh_now, describe


def test_a_new_pair_records_when_it_was_obtained(tmp_path):
    body = {"access_token": AT, "refresh_token": RT, "expires_in": 86400}
    tokens = TokenSet.from_token_response(body, now=1000.0)
    assert tokens.obtained_at == 1000.0 and tokens.expires_at == 87400.0
    store = TokenStore(tmp_path / "tokens.json")
    store.write(tokens)
    assert json.loads(store.path.read_text())["obtained_at"] == 1000.0
    assert store.read() == tokens


def test_refresh_now_rotates_a_still_fresh_pair(sandbox, token_file):
    store = TokenStore(token_file)
    before = store.read()
    creds = oauth_credentials(sandbox, token_file)
    assert creds.access_token() == before.access_token and creds.refreshes == 0  # fresh: no refresh
    after = creds.refresh_now()
    assert creds.refreshes == 1 and after.refresh_token != before.refresh_token
    assert store.read() == after and after.obtained_at >= before.obtained_at
    assert stat.S_IMODE(token_file.stat().st_mode) == 0o600
    assert creds.access_token() == after.access_token


def test_describe_shows_the_store_but_no_token(sandbox, token_file):
    stored = TokenStore(token_file).read()
    info = TokenStore(token_file).describe()
    assert info["path"] == str(token_file) and info["exists"] and info["mode"] == "0600" and info["private"]
    assert info["tenant"] == stored.tenant and info["tenant"]
    assert info["expires_at"] == stored.expires_at and info["obtained_at"] == stored.obtained_at
    assert info["problem"] is None
    assert stored.access_token not in repr(info) and stored.refresh_token not in repr(info)


def test_describe_a_missing_or_broken_file(tmp_path):
    missing = TokenStore(tmp_path / "none.json").describe()
    assert missing["exists"] is False and missing["mode"] is None and missing["problem"] is None
    path = tmp_path / "tokens.json"
    write_raw(path, {**GOOD, "access_token": None})
    broken = TokenStore(path).describe()
    assert broken["exists"] and "access_token" in broken["problem"] and RT not in repr(broken)
