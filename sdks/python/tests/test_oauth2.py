"""OAuth 2.0 (TS 29.122 clause 6): a token from the CAPIF-like token endpoint, given to the SDK."""

from __future__ import annotations

import json
from urllib.parse import urlencode
from urllib.request import Request, urlopen

import pytest

from mmtel_callcontrol import ApiClient, Configuration
from mmtel_callcontrol.api import IMSSessionsCollectionApi
from mmtel_callcontrol.exceptions import UnauthorizedException
from mmtel_callcontrol.models import ProblemDetails


def fetch_access_token(token_url: str, client_id: str, client_secret: str) -> str:
    """The client credentials grant (RFC 6749 clause 4.4) at the token endpoint."""
    form = urlencode({"grant_type": "client_credentials", "client_id": client_id, "client_secret": client_secret})
    request = Request(token_url, data=form.encode(), headers={"Content-Type": "application/x-www-form-urlencoded"})
    with urlopen(request, timeout=10) as response:
        return json.load(response)["access_token"]


def test_a_request_without_a_token_is_answered_401_invalid_token(oauth_server, new_session):
    with ApiClient(Configuration(server_variables={"apiRoot": oauth_server["api_root"]})) as client:
        with pytest.raises(UnauthorizedException) as raised:
            IMSSessionsCollectionApi(client).create_ims_session(new_session())

    assert raised.value.status == 401
    assert isinstance(raised.value.data, ProblemDetails)
    assert raised.value.data.cause == "INVALID_TOKEN"
    assert raised.value.headers["WWW-Authenticate"].startswith("Bearer ")


def test_a_token_from_the_token_endpoint_is_accepted(oauth_server, new_session):
    api_root = oauth_server["api_root"]
    token_url, client_id, client_secret = oauth_server["token_url"], oauth_server["client_id"], oauth_server["client_secret"]

    token = fetch_access_token(token_url, client_id, client_secret)
    configuration = Configuration(server_variables={"apiRoot": api_root}, access_token=token)
    with ApiClient(configuration) as client:
        # With a token, the afId must be the AF the token names: its client id.
        response = IMSSessionsCollectionApi(client).create_ims_session_with_http_info(new_session(af_id=client_id))

    assert response.status_code == 201
    assert response.data.var_self.startswith(api_root)
