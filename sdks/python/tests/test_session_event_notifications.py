"""Session Event Notifications of MMTel_CallEvent (TS 29.392 clause 6.3.5.2), parsed with the
generated mmtel_callevent models, for an incoming call injected into the simulated IMS network."""

from __future__ import annotations

import json
from urllib.parse import urlsplit
from urllib.request import Request, urlopen

import pytest

from mmtel_callevent.models import EventInitiator, EventType, MediaInfo, MediaType, SessionCase, SessionEventNotification

from notification_receiver import NotificationReceiver


@pytest.fixture
def session_event_receiver(session_event_notification_uri):
    # The server was started with this SessionEventNotificationUri: listen on its port.
    receiver = NotificationReceiver(SessionEventNotification.from_json, port=urlsplit(session_event_notification_uri).port)
    yield receiver
    receiver.close()


def test_an_incoming_call_is_notified_as_a_session_event_notification(api_root, session_event_notification_uri, session_event_receiver):
    call = {
        "callingIdentity": "tel:+4930999888",
        "calledIdentity": "sip:alice@example.com",
        "mediaInfoList": {"audio": {"mediaId": "audio", "mediaType": "AUDIO"}},
    }
    request = Request(f"{api_root}/sim/v1/incoming-calls", data=json.dumps(call).encode(), headers={"Content-Type": "application/json"})
    with urlopen(request, timeout=10) as response:
        session_id = json.load(response)["sessionId"]

    # Only this call's notification: an earlier test's injections may also come here.
    received = session_event_receiver.first(lambda r: r.parsed is not None and r.parsed.session_id == session_id)

    assert received.error is None
    assert received.path == urlsplit(session_event_notification_uri).path
    notification = received.parsed
    assert isinstance(notification, SessionEventNotification)
    assert notification.notification_event.event_type is EventType.SESSION_ESTABLISHMENT_REQUEST
    assert notification.notification_event.event_initiator is EventInitiator.REMOTE_IMS_SUBSCRIBER
    assert notification.session_info.session_case is SessionCase.TERMINATING_IMS_SESSION
    assert (notification.session_info.calling_identity, notification.session_info.called_identity) == ("tel:+4930999888", "sip:alice@example.com")
    assert isinstance(notification.media_info_list["audio"], MediaInfo)
    assert notification.media_info_list["audio"].media_type is MediaType.AUDIO
