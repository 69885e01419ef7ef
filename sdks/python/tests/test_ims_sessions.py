"""The Individual IMS Session resource through the generated SDK: create, replace, merge-patch,
release (3GPP TS 29.392 clause 6.4)."""

from __future__ import annotations

import json

import pytest

from mmtel_callcontrol import ApiClient
from mmtel_callcontrol.exceptions import ApiException
from mmtel_callcontrol.models import (
    ImsSession,
    ImsSessionEvent,
    ImsSessionInfoPatch,
    ImsSessionPatch,
    ImsSessionState,
    MediaDirection,
    MediaType,
    MmtelMediaComponent,
    MmtelMediaComponentRm,
    ProblemDetails,
)


def test_create_answers_201_with_a_location_that_is_the_session_self(sessions_api, new_session):
    response = sessions_api.create_ims_session_with_http_info(new_session(notif_corre_id="call-1"))

    assert response.status_code == 201
    session = response.data
    assert isinstance(session, ImsSession)
    info = session.ims_session_info
    assert info.session_id
    assert response.headers["Location"] == session.var_self
    assert session.var_self.endswith(f"/mmtel-callcontrol/v1/ims-sessions/{info.session_id}")
    assert info.session_state == ImsSessionState.INITIATING
    assert (info.calling_party, info.called_party, session.notif_corre_id) == (
        "tel:+4930123456",
        "sip:bob@example.com",
        "call-1",
    )


def test_create_reads_the_media_components_map_into_models(sessions_api, new_session):
    sent = {
        "audio": MmtelMediaComponent(media_id="audio", media_type=MediaType.AUDIO, codecs=["AMR-WB", "EVS"]),
        "video": MmtelMediaComponent(media_id="video", media_type=MediaType.VIDEO, media_direction=MediaDirection.RECVONLY),
    }
    session = sessions_api.create_ims_session(new_session({"media_components": sent}))

    components = session.ims_session_info.media_components
    assert set(components) == {"audio", "video"}
    assert all(isinstance(component, MmtelMediaComponent) for component in components.values())
    assert components["audio"].codecs == ["AMR-WB", "EVS"]
    assert components["video"].media_direction == MediaDirection.RECVONLY


def test_put_replaces_the_session_and_answers_200(sessions_api, session_api, new_session):
    created = sessions_api.create_ims_session(new_session(notif_corre_id="before"))

    replacement = new_session(
        {"events": [ImsSessionEvent.SESSION_TERMINATION], "max_duration": 120},
        notif_corre_id="after",
    )
    response = session_api.update_ims_session_with_http_info(created.ims_session_info.session_id, replacement)

    assert response.status_code == 200
    assert response.data.notif_corre_id == "after"
    assert response.data.ims_session_info.events == [ImsSessionEvent.SESSION_TERMINATION]
    assert response.data.ims_session_info.max_duration == 120
    assert response.data.ims_session_info.session_id == created.ims_session_info.session_id


def test_read_only_attributes_are_left_out_of_request_bodies(sessions_api, new_session):
    session = sessions_api.create_ims_session(new_session())
    assert session.var_self and session.ims_session_info.session_id and session.ims_session_info.session_state

    # What the SDK sends for a model body (ApiClient.param_serialize calls exactly this).
    body = ApiClient().sanitize_for_serialization(session)

    assert "self" not in body
    assert not {"sessionId", "sessionState"} & set(body["imsSessionInfo"])
    assert body["imsSessionInfo"]["callingParty"] == "tel:+4930123456"


def test_patch_removes_notif_corre_id_sent_as_json_null(sessions_api, session_api, new_session):
    created = sessions_api.create_ims_session(new_session(notif_corre_id="call-1"))

    patch = ImsSessionPatch(notif_corre_id=None)
    assert json.loads(patch.to_json()) == {"notifCorreId": None}
    response = session_api.modify_ims_session_with_http_info(created.ims_session_info.session_id, patch)

    # A 200 also shows the body went as application/merge-patch+json: the server answers 415 otherwise.
    assert response.status_code == 200
    assert response.data.notif_corre_id is None
    assert "notifCorreId" not in json.loads(response.raw_data)


def test_patch_sends_only_the_attributes_that_were_set(sessions_api, session_api, new_session):
    created = sessions_api.create_ims_session(new_session({"events": [ImsSessionEvent.SESSION_TERMINATION]}, notif_corre_id="call-1"))

    patch = ImsSessionPatch(ims_session_info=ImsSessionInfoPatch(max_duration=30))
    assert json.loads(patch.to_json()) == {"imsSessionInfo": {"maxDuration": 30}}
    patched = session_api.modify_ims_session(created.ims_session_info.session_id, patch)

    assert patched.ims_session_info.max_duration == 30
    assert patched.notif_corre_id == "call-1"
    assert patched.ims_session_info.events == [ImsSessionEvent.SESSION_TERMINATION]


def test_a_patch_read_from_json_sends_only_what_the_json_had(sessions_api, session_api, new_session):
    created = sessions_api.create_ims_session(new_session({"events": [ImsSessionEvent.SESSION_TERMINATION]}, notif_corre_id="call-1"))

    # Absent stays absent: only an explicit null removes an attribute (RFC 7396).
    text = '{"imsSessionInfo": {"maxDuration": 30, "mediaComponents": {"audio": {"mediaId": "audio", "mediaType": "AUDIO"}}}}'
    patch = ImsSessionPatch.from_json(text)
    assert json.loads(patch.to_json()) == json.loads(text)
    patched = session_api.modify_ims_session(created.ims_session_info.session_id, patch)

    info = patched.ims_session_info
    assert (info.max_duration, patched.notif_corre_id, info.events) == (30, "call-1", [ImsSessionEvent.SESSION_TERMINATION])
    assert info.media_components["audio"].codecs is None


def test_patch_removes_a_media_component_with_a_null_map_entry(sessions_api, session_api, new_session):
    created = sessions_api.create_ims_session(
        new_session(
            {
                "media_components": {
                    "audio": MmtelMediaComponent(media_id="audio", media_type=MediaType.AUDIO, codecs=["AMR-WB"]),
                    "video": MmtelMediaComponent(media_id="video", media_type=MediaType.VIDEO),
                }
            }
        )
    )

    patch = ImsSessionPatch(
        ims_session_info=ImsSessionInfoPatch(
            media_components={"video": None, "audio": MmtelMediaComponentRm(codecs=None, media_direction=MediaDirection.SENDONLY)}
        )
    )
    assert json.loads(patch.to_json()) == {
        "imsSessionInfo": {"mediaComponents": {"video": None, "audio": {"mediaDirection": "SENDONLY", "codecs": None}}}
    }
    patched = session_api.modify_ims_session(created.ims_session_info.session_id, patch)

    assert set(patched.ims_session_info.media_components) == {"audio"}
    audio = patched.ims_session_info.media_components["audio"]
    assert (audio.media_type, audio.media_direction, audio.codecs) == (MediaType.AUDIO, MediaDirection.SENDONLY, None)


def test_delete_answers_204_and_a_second_delete_404_with_problem_details(sessions_api, session_api, new_session):
    created = sessions_api.create_ims_session(new_session())

    response = session_api.release_ims_session_with_http_info(created.ims_session_info.session_id)
    assert response.status_code == 204
    assert response.data is None

    with pytest.raises(ApiException) as raised:
        session_api.release_ims_session(created.ims_session_info.session_id)
    assert raised.value.status == 404
    problem = raised.value.data
    assert isinstance(problem, ProblemDetails)
    assert (problem.status, problem.cause) == (404, "SESSION_NOT_FOUND")


def test_an_unknown_attribute_in_a_response_is_kept_and_sent_back_in_a_put(api_client, session_api):
    # A newer server may add attributes. The request goes through the SDK's own ApiClient with a
    # plain dict body so that it carries an attribute the generated ImsSession does not have, which
    # the server stores and echoes.
    method, url, headers, body, _ = api_client.param_serialize(
        method="POST",
        resource_path="/ims-sessions",
        header_params={"Content-Type": "application/json", "Accept": "application/json"},
        body={
            "afId": "default",
            "imsSessionInfo": {"callingParty": "tel:+4930123456", "calledParty": "sip:bob@example.com"},
            "notifUri": "http://127.0.0.1:9/unused",
            "futureAttribute": {"rel": 20},
        },
    )
    raw = api_client.call_api(method, url, header_params=headers, body=body)
    raw.read()
    session = api_client.response_deserialize(raw, {"201": "ImsSession"}).data

    assert isinstance(session, ImsSession)
    assert session.additional_properties == {"futureAttribute": {"rel": 20}}

    session.ims_session_info.max_duration = 60
    replaced = session_api.update_ims_session(session.ims_session_info.session_id, session)

    assert replaced.ims_session_info.max_duration == 60
    assert replaced.additional_properties == {"futureAttribute": {"rel": 20}}
