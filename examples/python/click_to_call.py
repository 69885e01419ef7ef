"""Click-to-call with the Python SDK of MMTel_CallControl (3GPP TS 29.392).

An Application Server that asks the MMTel Enabler Server for a call between two parties, receives
the call's IMS Session Notifications on a small http.server endpoint (its notifUri), prints them,
and releases the call once it is answered, has failed, or has ended.

    pip install ./sdks/python/mmtel-callcontrol
    python examples/python/click_to_call.py http://127.0.0.1:8080

The argument is the server's {apiRoot}; the server must be able to reach this process at the
--listen address (by default 127.0.0.1 and a free port: a server on the same machine). Exits 0
when the call was answered, 1 otherwise.
"""

from __future__ import annotations

import argparse
import queue
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from threading import Thread
from typing import Dict, Optional, Union

from mmtel_callcontrol import ApiClient, Configuration
from mmtel_callcontrol.api import IMSSessionsCollectionApi, IndividualIMSSessionDocumentApi
from mmtel_callcontrol.exceptions import ApiException
from mmtel_callcontrol.models import (
    ImsSession,
    ImsSessionEvent,
    ImsSessionEventNotification,
    ImsSessionInfo,
    NotifyImsSessionRequest,
    TestNotification,
)

#: Events after which nothing more happens to the call until it is released.
FINAL_EVENTS = {
    ImsSessionEvent.SESSION_ESTABLISHMENT_SUCCESS,
    ImsSessionEvent.SESSION_ESTABLISHMENT_FAILURE,
    ImsSessionEvent.SESSION_TERMINATION,
}

Notification = Union[ImsSessionEventNotification, TestNotification]
notifications: "queue.Queue[Notification]" = queue.Queue()


class NotificationHandler(BaseHTTPRequestHandler):
    """The AS's notifUri: each POST is an IMS Session Notification, parsed with the SDK's models."""

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"])).decode("utf-8")
        try:
            # The callback body is anyOf [ImsSessionEventNotification, TestNotification].
            notification = NotifyImsSessionRequest.from_json(body).actual_instance
        except ValueError as error:  # not a notification of this API (pydantic's errors are ValueErrors)
            self.send_error(400, explain=str(error))
            return
        notifications.put(notification)
        self.send_response(204)
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass  # the notifications are printed instead


def place_call(client: ApiClient, calling: str, called: str, notif_uri: str, headers: Dict[str, str]) -> ImsSession:
    """POST .../ims-sessions: 201 Created, Location is the new session's URI."""
    session = ImsSession(
        af_id="default",  # the AF the server authenticates, when it does; any AF otherwise
        ims_session_info=ImsSessionInfo(calling_party=calling, called_party=called),
        notif_uri=notif_uri,
        notif_corre_id="click-to-call",
    )
    response = IMSSessionsCollectionApi(client).create_ims_session_with_http_info(session, _headers=headers)
    print(f"call placed: {response.status_code} {response.headers['Location']}")
    return response.data


def print_notification(notification: Notification) -> Optional[ImsSessionEvent]:
    """Prints one notification; returns its last event (None for a test notification)."""
    if isinstance(notification, TestNotification):
        print(f"test notification for {notification.subscription}")
        return None
    for report in notification.event_reports:
        state = report.session_state.value if report.session_state else "-"
        unknown = "" if report.event.is_known else " (an event this SDK does not know)"
        print(f"{report.time_stamp.isoformat()} {report.event.value} session {state}{unknown}")
    return notification.event_reports[-1].event


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("api_root", help="{apiRoot} of the MMTel Enabler Server, e.g. http://127.0.0.1:8080")
    parser.add_argument("--calling", default="tel:+4930123456", help="calling party (ImsPublicId)")
    parser.add_argument("--called", default="sip:bob@example.com", help="called party (ImsPublicId)")
    parser.add_argument("--listen", default="127.0.0.1:0", help="HOST:PORT of the notification endpoint")
    parser.add_argument("--scenario", help="the reference server's simulated call: answer, busy, no-answer, …")
    parser.add_argument("--timeout", type=float, default=30, help="seconds to wait for each notification")
    args = parser.parse_args()

    host, _, port = args.listen.rpartition(":")
    receiver = ThreadingHTTPServer((host, int(port)), NotificationHandler)
    Thread(target=receiver.serve_forever, daemon=True).start()
    notif_uri = f"http://{host}:{receiver.server_address[1]}/notifications"
    headers = {"x-mmtel-sim-scenario": args.scenario} if args.scenario else {}

    try:
        with ApiClient(Configuration(server_variables={"apiRoot": args.api_root})) as client:
            session = place_call(client, args.calling, args.called, notif_uri, headers)
            last = None
            while last not in FINAL_EVENTS:
                try:
                    last = print_notification(notifications.get(timeout=args.timeout))
                except queue.Empty:
                    print(f"no notification within {args.timeout} s", file=sys.stderr)
                    break
            try:
                IndividualIMSSessionDocumentApi(client).release_ims_session(session.ims_session_info.session_id)
                print("call released")
            except ApiException as error:
                print(f"release failed: {error.status} {getattr(error.data, 'cause', None)}", file=sys.stderr)
    finally:
        receiver.shutdown()
        receiver.server_close()
    return 0 if last == ImsSessionEvent.SESSION_ESTABLISHMENT_SUCCESS else 1


if __name__ == "__main__":
    sys.exit(main())
