"""3GPP extensible enumerations (TS 29.501 clause 5.2.3.3): a value a newer peer sends is kept as
a member of its own (the generator's template adds ``_missing_`` and ``is_known``)."""

from __future__ import annotations

import json

from mmtel_callcontrol.models import ImsSessionEvent, ImsSessionEventReport, MediaType, MmtelMediaComponent


def test_an_unknown_event_echoed_by_the_server_is_kept_as_a_member(sessions_api, new_session):
    # The server accepts any string in `events` (anyOf [enum, string]) and echoes it.
    session = sessions_api.create_ims_session(new_session({"events": ["SESSION_TERMINATION", "FUTURE_EVENT"]}))

    known, future = session.ims_session_info.events
    assert known is ImsSessionEvent.SESSION_TERMINATION and known.is_known
    assert isinstance(future, ImsSessionEvent)
    assert future.value == "FUTURE_EVENT"
    assert not future.is_known


def test_known_values_are_the_members_themselves():
    event = ImsSessionEvent("SESSION_ESTABLISHMENT_SUCCESS")
    assert event is ImsSessionEvent.SESSION_ESTABLISHMENT_SUCCESS
    assert event.is_known
    assert "FUTURE_EVENT" not in ImsSessionEvent.__members__


def test_an_unknown_value_validates_from_json_and_from_a_dict():
    # pydantic v2 validates an Enum field in Rust; it calls _missing_ for a value it does not find,
    # in Python mode (dicts, keywords) and in JSON mode (model_validate_json) alike.
    report = {"event": "CALL_TRANSFERRED", "timeStamp": "2026-01-01T00:00:00Z"}
    from_dict = ImsSessionEventReport.from_dict(report)
    from_json = ImsSessionEventReport.from_json(json.dumps(report))
    from_pydantic_json = ImsSessionEventReport.model_validate_json(json.dumps(report))
    from_keywords = MmtelMediaComponent(media_id="1", media_type="HOLOGRAM")

    for value, expected in [
        (from_dict.event, "CALL_TRANSFERRED"),
        (from_json.event, "CALL_TRANSFERRED"),
        (from_pydantic_json.event, "CALL_TRANSFERRED"),
        (from_keywords.media_type, "HOLOGRAM"),
    ]:
        assert isinstance(value, (ImsSessionEvent, MediaType))
        assert (value.value, value.is_known) == (expected, False)


def test_an_unknown_value_is_sent_back_as_the_same_string():
    event = ImsSessionEvent("FUTURE_EVENT")

    assert event == "FUTURE_EVENT"
    assert event == ImsSessionEvent("FUTURE_EVENT")
    assert json.loads(MmtelMediaComponent(media_id="1", media_type="HOLOGRAM").to_json())["mediaType"] == "HOLOGRAM"
