"""Schemathesis hooks for the MMTel APIs (loaded through SCHEMATHESIS_HOOKS by src/schemathesis-run.ts).

Schemathesis judges "schema-valid data must be accepted" (positive_data_acceptance) by the
schemas alone. A few rules of the specs live in their descriptions, and one in the server's
hardening; a positive case that breaks one is a request the server rightly refuses, so these
hooks keep positive cases, and only those, within the rules. Each rule is a row of findings.md.
Negative cases are left exactly as generated.
"""

import zlib

import schemathesis
from schemathesis.core.parameters import ParameterLocation

# S1. ImsSession.notifUri and ImsSessionPatch.notifUri are the TS 29.122 `Uri`, a bare string
# whose description asks for an RFC 3986 URI; the server notifies it, so it refuses (400
# MANDATORY_IE_INCORRECT naming /notifUri) what is not an absolute http or https URI. Positive
# cases get one of these targets instead: loopback port 9 (discard), allowed in the development
# profile; the simulator's notifications to them fail at once and are given up.
NOTIFICATION_TARGETS = (
    "http://127.0.0.1:9/notifications",
    "http://[::1]:9/as1/notify?session=1",
    "https://127.0.0.1:9/callbacks/ims-session",
)

# S5. MmtelMediaComponentRm (ImsSessionPatch.imsSessionInfo.mediaComponents) has no required attribute, but "the
# mediaId and mediaType attributes shall be present when a new media component is added": a
# patch adding one without them leaves an invalid ImsSession (400). Positive patches carry both
# in every media component they add or change.
PATCH_MEDIA_TYPE = "AUDIO"

# S9. An ImsSession's afId (TS 29.522 V19.5.0) must name the authenticated AF, else 403
# REQUEST_NOT_AUTHORIZED: with a token, the AF is the token endpoint's client (its id is the
# subject, src/schemathesis-run.ts CLIENT). Positive creations and replacements name it; without
# authentication any afId is accepted, so the same value serves both modes.
AF_ID = "schemathesis"


@schemathesis.hook
def filter_case(context, case):
    """S6. Fastify's JSON parser refuses `__proto__` keys, and `constructor` keys holding
    `prototype`, anywhere in a body (400), a deliberate hardening against prototype pollution
    (tools/conformance/fuzz-seeds.md F6) that the specs' free-form maps cannot express. Positive
    cases holding such a key are not sent."""
    if _is_negative(case):
        return True
    return not _has_forbidden_key(case.body)


@schemathesis.hook
def map_case(context, case):
    body = case.body
    if _is_negative(case) or not isinstance(body, dict):
        return case
    notif_uri = body.get("notifUri")
    if isinstance(notif_uri, str) and notif_uri not in NOTIFICATION_TARGETS:
        # The same generated value always maps to the same target: Hypothesis needs determinism.
        original = notif_uri.encode("utf-8", "surrogatepass")
        body["notifUri"] = NOTIFICATION_TARGETS[zlib.crc32(original) % len(NOTIFICATION_TARGETS)]
    if case.method.upper() in ("POST", "PUT") and "afId" in body:
        body["afId"] = AF_ID
    info = body.get("imsSessionInfo")
    components = info.get("mediaComponents") if isinstance(info, dict) else None
    if case.method.upper() == "PATCH" and isinstance(components, dict):
        for key, component in components.items():
            if isinstance(component, dict):
                component.setdefault("mediaId", key)
                component.setdefault("mediaType", PATCH_MEDIA_TYPE)
    return case


def _is_negative(case):
    meta = case.meta
    return meta is not None and meta.is_negative_at(ParameterLocation.BODY)


def _has_forbidden_key(value):
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, dict):
            if "__proto__" in item:
                return True
            constructor = item.get("constructor")
            if isinstance(constructor, dict) and "prototype" in constructor:
                return True
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
    return False
