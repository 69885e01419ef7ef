"""Errors as TS 29.122 ProblemDetails, read into the generated model."""

from __future__ import annotations

import pydantic
import pytest

from mmtel_callcontrol.api import IMSSessionsCollectionApi
from mmtel_callcontrol.exceptions import ApiException, BadRequestException
from mmtel_callcontrol.models import ImsSession, ImsSessionInfo, InvalidParam, ProblemDetails


def create_or_explain(api: IMSSessionsCollectionApi, session: ImsSession) -> ImsSession:
    try:
        return api.create_ims_session(session)
    except ApiException as error:
        problem = error.data  # the generated ProblemDetails, read from application/problem+json
        if not isinstance(problem, ProblemDetails):
            raise
        print(f"{error.status} {problem.cause}: {problem.detail}")
        for invalid in problem.invalid_params or []:
            print(f"  {invalid.param}: {invalid.reason}")
        raise


def test_a_bad_called_party_is_answered_400_with_problem_details(sessions_api):
    # The SDK checks the ImsPublicId pattern itself (see the next test); model_construct skips
    # that check so that the server's answer can be seen.
    session = ImsSession(
        af_id="default",
        ims_session_info=ImsSessionInfo.model_construct(calling_party="tel:+4930123456", called_party="bob"),
        notif_uri="http://127.0.0.1:9/unused",
    )

    with pytest.raises(BadRequestException) as raised:
        create_or_explain(sessions_api, session)

    assert raised.value.status == 400
    problem = raised.value.data
    assert isinstance(problem, ProblemDetails)
    assert (problem.status, problem.cause) == (400, "MANDATORY_IE_INCORRECT")
    assert problem.title
    assert len(problem.invalid_params) == 1
    invalid = problem.invalid_params[0]
    assert isinstance(invalid, InvalidParam)
    assert invalid.param == "/imsSessionInfo/calledParty"
    # The reason says in words what the ImsPublicId pattern asks for, with examples.
    assert "SIP URI" in invalid.reason and "tel URI" in invalid.reason


def test_the_sdk_refuses_a_bad_called_party_before_sending():
    with pytest.raises(pydantic.ValidationError) as raised:
        ImsSessionInfo(calling_party="tel:+4930123456", called_party="bob")

    assert [error["loc"] for error in raised.value.errors()] == [("called_party",)]


def test_a_refused_notif_uri_is_answered_400_with_the_reason(sessions_api, new_session):
    # A check only the server can make (the scheme of a notification target): no client-side shortcut.
    with pytest.raises(BadRequestException) as raised:
        sessions_api.create_ims_session(new_session(notif_uri="ftp://127.0.0.1/notifications"))

    problem = raised.value.data
    assert problem.cause == "MANDATORY_IE_INCORRECT"
    assert [invalid.param for invalid in problem.invalid_params] == ["/notifUri"]
    assert problem.invalid_params[0].reason
