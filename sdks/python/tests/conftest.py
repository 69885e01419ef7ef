"""Fixtures of the Python SDK tests: the reference servers (from the environment), SDK clients and
an AS notification receiver.

The servers' addresses come from the environment only, so the suite runs the same against the
servers ``pnpm --filter @mmtel/sdkgen test:python`` starts as against servers started by hand.
The generated packages are imported from sdks/python/mmtel-* (PYTHONPATH), not installed.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

# No __pycache__ inside the generated trees (pnpm generate:sdks --check would count it as drift):
# the runner sets PYTHONDONTWRITEBYTECODE; this covers a run by hand without it.
if sys.pycache_prefix is None:
    sys.dont_write_bytecode = True
from typing import Callable, Dict, Iterator, Optional

import pytest

import mmtel_callcontrol
import mmtel_callevent
from mmtel_callcontrol import ApiClient, Configuration
from mmtel_callcontrol.api import IMSSessionsCollectionApi, IndividualIMSSessionDocumentApi
from mmtel_callcontrol.models import ImsSession, ImsSessionInfo, NotifyImsSessionRequest

from notification_receiver import NotificationReceiver

SDKS = Path(__file__).resolve().parent.parent

#: What the suite reads, and what it means.
SERVER_VARIABLES = {
    "MMTEL_API_ROOT": "{apiRoot} of a reference server with MMTEL_AUTH=none and the `answer` scenario",
    "MMTEL_OAUTH_API_ROOT": "{apiRoot} of a reference server with MMTEL_AUTH=oauth2 and its token endpoint",
    "MMTEL_TOKEN_URL": "that server's token endpoint (client credentials grant)",
    "MMTEL_CLIENT_ID": "a client id the token endpoint knows",
    "MMTEL_CLIENT_SECRET": "its secret",
}


def pytest_sessionstart(session: pytest.Session) -> None:
    # A copy of an SDK installed in the environment would shadow the generated code under test.
    for package in (mmtel_callcontrol, mmtel_callevent):
        location = Path(package.__file__).resolve()
        if SDKS not in location.parents:
            raise pytest.UsageError(
                f"{package.__name__} is imported from {location}, not from {SDKS}: "
                "put sdks/python/mmtel-callcontrol and sdks/python/mmtel-callevent on PYTHONPATH"
            )


def _variable(name: str) -> str:
    value = os.environ.get(name)
    if not value:
        wanted = "\n".join(f"  {key}: {meaning}" for key, meaning in SERVER_VARIABLES.items())
        pytest.fail(
            f"{name} is not set. The Python SDK tests run against reference servers named by:\n{wanted}\n"
            "`pnpm --filter @mmtel/sdkgen test:python` starts them and sets these variables.",
            pytrace=False,
        )
    return value


@pytest.fixture(scope="session")
def api_root() -> str:
    """{apiRoot} of the open server (MMTEL_AUTH=none)."""
    return _variable("MMTEL_API_ROOT")


@pytest.fixture(scope="session")
def oauth_server() -> Dict[str, str]:
    """The oauth2 server: its {apiRoot}, token endpoint and client credentials."""
    return {
        "api_root": _variable("MMTEL_OAUTH_API_ROOT"),
        "token_url": _variable("MMTEL_TOKEN_URL"),
        "client_id": _variable("MMTEL_CLIENT_ID"),
        "client_secret": _variable("MMTEL_CLIENT_SECRET"),
    }


@pytest.fixture(scope="session")
def session_event_notification_uri() -> str:
    """Where the open server sends Session Event Notifications (MMTel_CallEvent)."""
    if not os.environ.get("MMTEL_SESSION_EVENT_NOTIFICATION_URI"):
        pytest.fail(
            "MMTEL_SESSION_EVENT_NOTIFICATION_URI is not set: the Session Event Notification test listens "
            "at the SessionEventNotificationUri the server at MMTEL_API_ROOT was started with "
            "(startSdkTestServers({ sessionEventReceiver: true }) sets both).",
            pytrace=False,
        )
    return os.environ["MMTEL_SESSION_EVENT_NOTIFICATION_URI"]


@pytest.fixture(scope="session")
def api_client(api_root: str) -> Iterator[ApiClient]:
    """An SDK client of MMTel_CallControl on the open server."""
    with ApiClient(Configuration(server_variables={"apiRoot": api_root})) as client:
        yield client


@pytest.fixture
def sessions_api(api_client: ApiClient) -> IMSSessionsCollectionApi:
    return IMSSessionsCollectionApi(api_client)


@pytest.fixture
def session_api(api_client: ApiClient) -> IndividualIMSSessionDocumentApi:
    return IndividualIMSSessionDocumentApi(api_client)


@pytest.fixture
def new_session() -> Callable[..., ImsSession]:
    """An ImsSession with valid parties and a notifUri nobody listens on, changed by keywords: those
    of the ImsSession itself, and `info` for those of its imsSessionInfo (TS 29.522 V19.5.0 shape)."""

    def build(info: Optional[Dict[str, object]] = None, **attributes: object) -> ImsSession:
        parties: Dict[str, object] = {"calling_party": "tel:+4930123456", "called_party": "sip:bob@example.com", **(info or {})}
        defaults: Dict[str, object] = {
            "af_id": "default",
            "ims_session_info": ImsSessionInfo(**parties),
            "notif_uri": "http://127.0.0.1:9/unused",
        }
        return ImsSession(**{**defaults, **attributes})

    return build


@pytest.fixture
def receiver() -> Iterator[NotificationReceiver]:
    """An AS receiver of IMS Session Notifications, parsed with the generated callback body type."""
    server = NotificationReceiver(NotifyImsSessionRequest.from_json)
    yield server
    server.close()
