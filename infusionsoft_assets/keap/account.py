"""Where a Keap account lives and how a client authenticates to it: URL facts and credential building.

Keap serves its API on ``api.infusionsoft.com`` (also ``api.keap.com``), its consent page on
``accounts.infusionsoft.com`` and its token endpoint beside the API; anything else (the bundled
sandbox) serves all three on one origin.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from urllib.parse import urlsplit

from .auth import ApiKeyCredentials, Credentials, OAuthCredentials, TokenStore
from .errors import AuthError

DEFAULT_API_URL = "https://api.infusionsoft.com"
KEAP_AUTHORIZE_URL = "https://accounts.infusionsoft.com/app/oauth/authorize"
DEFAULT_TOKEN_FILE = "~/.config/infusionsoft-assets/tokens.json"


def api_origin(api_url: str) -> str:
    """The API's scheme and host: Keap's v2 spec names its server ``https://api.keap.com/crm``, and a
    user pasting that (or a trailing slash) must not get ``/crm/crm/rest/...``."""
    return api_url.strip().rstrip("/").removesuffix("/crm")


def is_keap_host(api_url: str) -> bool:
    host = urlsplit(api_origin(api_url)).hostname or ""
    return host.endswith(("infusionsoft.com", "keap.com"))


def is_sandbox_url(api_url: str) -> bool:
    """Anything that is not Keap's own host is treated (and tagged) as a sandbox."""
    return not is_keap_host(api_url)


def token_url(api_url: str) -> str:
    return api_origin(api_url) + "/token"


def authorize_url(api_url: str) -> str:
    """Keap's consent page lives on another host than its API; the sandbox serves both."""
    return KEAP_AUTHORIZE_URL if is_keap_host(api_url) else api_origin(api_url) + "/app/oauth/authorize"


def key_fingerprint(secret: str) -> str:
    """Enough of a secret's hash to tell credentials apart in names and messages, never the secret."""
    return hashlib.sha256(secret.encode()).hexdigest()[:10]


def credential_pool(client_id: str | None, api_key: str | None) -> str:
    """A Dagster pool per credential: each has its own Keap budget, so each gets its own slots.

    The name holds a hash, never the key itself (pool names show in the UI).
    """
    if api_key:
        return "keap_key_" + key_fingerprint(api_key)
    if client_id:
        return "keap_oauth_" + key_fingerprint(client_id)
    return "keap_unconfigured"


def token_store(token_file: str) -> TokenStore:
    """The default token folder is ours to create; a folder the user named must already exist."""
    default = Path(token_file).expanduser() == Path(DEFAULT_TOKEN_FILE).expanduser()
    return TokenStore(token_file, create_folder=default)


def oauth_credentials(api_url: str, client_id: str | None, client_secret: str | None,
                      token_file: str = DEFAULT_TOKEN_FILE) -> OAuthCredentials:
    if not client_id or not client_secret:
        raise AuthError("OAuth needs INFUSIONSOFT_CLIENT_ID and INFUSIONSOFT_CLIENT_SECRET")
    return OAuthCredentials(token_url=token_url(api_url), client_id=client_id, client_secret=client_secret,
                            store=token_store(token_file))


def credentials(api_url: str, *, client_id: str | None = None, client_secret: str | None = None,
                api_key: str | None = None, token_file: str = DEFAULT_TOKEN_FILE) -> Credentials:
    """The one place credentials are built: an API key wins; else the OAuth client and its token file."""
    if api_key:
        return ApiKeyCredentials(api_key)
    if client_id or client_secret:
        return oauth_credentials(api_url, client_id, client_secret, token_file)
    raise AuthError("No Keap credentials: set INFUSIONSOFT_API_KEY, or INFUSIONSOFT_CLIENT_ID and "
                    "INFUSIONSOFT_CLIENT_SECRET (then run `infusionsoft-assets auth login`)")
