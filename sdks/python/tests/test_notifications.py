"""IMS Session Notifications (TS 29.392 clause 6.4.5.2) from the reference server's simulated IMS
network to an AS receiver on http.server, parsed with the generated models."""

from __future__ import annotations

import json
from urllib.request import Request, urlopen

from mmtel_callcontrol.models import (
    EventInitiator,
    ImsSessionEvent,
    ImsSessionEventNotification,
    ImsSessionState,
    MediaInfo,
    MediaType,
    TestNotification,
)


def simulate(api_root: str, path: str, body: dict) -> dict:
    """POSTs to the reference server's simulator control API (/sim/v1, not 3GPP)."""
    request = Request(f"{api_root}/sim/v1{path}", data=json.dumps(body).encode(), headers={"Content-Type": "application/json"})
    with urlopen(request, timeout=10) as response:
        assert response.status == 202
        return json.load(response)


def test_the_answer_scenario_notifies_progress_alerting_and_success_in_order(sessions_api, new_session, receiver):
    session = sessions_api.create_ims_session(new_session(notif_uri=receiver.url("/as/call-1"), notif_corre_id="call-1"))

    receiver.wait_for(3)
    received = receiver.all_after(quiet=0.3)

    assert len(received) == 3
    assert [r.error for r in received] == [None] * len(received)
    assert {(r.path, r.content_type) for r in received} == {("/as/call-1", "application/json")}
    notifications = [r.parsed.actual_instance for r in received]
    assert all(isinstance(n, ImsSessionEventNotification) for n in notifications)
    assert {(n.session, n.session_id, n.notif_corre_id) for n in notifications} == {(session.var_self, session.ims_session_info.session_id, "call-1")}
    reports = [report for n in notifications for report in n.event_reports]
    assert [(r.event, r.session_state) for r in reports] == [
        (ImsSessionEvent.SESSION_ESTABLISHMENT_PROGRESS, ImsSessionState.INITIATING),
        (ImsSessionEvent.SESSION_ESTABLISHMENT_ALERTING, ImsSessionState.ALERTING),
        (ImsSessionEvent.SESSION_ESTABLISHMENT_SUCCESS, ImsSessionState.ESTABLISHED),
    ]
    assert reports[2].event_initiator == EventInitiator.REMOTE_IMS_SUBSCRIBER
    assert all(r.time_stamp.tzinfo is not None for r in reports)


def test_the_test_notification_is_told_apart_from_event_notifications(sessions_api, new_session, receiver):
    # Feature 2 (Notification_test_event) must be negotiated for the server to send it.
    session = sessions_api.create_ims_session(
        new_session(notif_uri=receiver.url("/as"), supp_feat="2", request_test_notification=True)
    )
    assert session.supp_feat == "2"

    received = receiver.wait_for(4)

    first, *events = [r.parsed.actual_instance for r in received]
    assert isinstance(first, TestNotification)
    assert first.subscription == session.var_self
    assert [type(n) for n in events] == [ImsSessionEventNotification] * 3
    assert [n.event_reports[0].event for n in events] == [
        ImsSessionEvent.SESSION_ESTABLISHMENT_PROGRESS,
        ImsSessionEvent.SESSION_ESTABLISHMENT_ALERTING,
        ImsSessionEvent.SESSION_ESTABLISHMENT_SUCCESS,
    ]


def test_a_media_change_is_notified_with_its_media_info_map(api_root, sessions_api, new_session, receiver):
    session = sessions_api.create_ims_session(new_session({"events": ["MEDIA_CHANGE_SUCCESS"]}, notif_uri=receiver.url("/as")))

    simulate(
        api_root,
        f"/sessions/{session.ims_session_info.session_id}/media-changes",
        {"mediaInfoList": {"audio": {"mediaId": "audio", "mediaType": "AUDIO"}, "hologram": {"mediaId": "hologram", "mediaType": "HOLOGRAM"}}},
    )
    [received] = receiver.wait_for(1)

    report = received.parsed.actual_instance.event_reports[0]
    assert report.event == ImsSessionEvent.MEDIA_CHANGE_SUCCESS
    assert set(report.media_info_list) == {"audio", "hologram"}
    assert all(isinstance(info, MediaInfo) for info in report.media_info_list.values())
    assert report.media_info_list["audio"].media_type is MediaType.AUDIO
    assert (report.media_info_list["hologram"].media_type.value, report.media_info_list["hologram"].media_type.is_known) == ("HOLOGRAM", False)
