"""The specs' patterns in the generated validators: the TS 29.562 ImsPublicId pattern backtracks
exponentially as written (fuzz finding F1), so the validators use the same linear rewrite as the
server and the receiver, which must accept exactly what the spec's pattern accepts."""

from __future__ import annotations

import re
import time

import pydantic
import pytest

from mmtel_callcontrol.models import ImsSessionInfo
from mmtel_callevent.models import SessionInfo

# TS29562_Nhss_imsSDM.yaml, ImsPublicId, as the spec writes it.
IMS_PUBLIC_ID = r"^(sip\:([a-zA-Z0-9_\-.!~*()&=+$,;?\/]+)\@([A-Za-z0-9]+([-A-Za-z0-9]+)\.)+[a-z]{2,}|tel\:\+[0-9]{5,15})$"


def test_a_near_miss_of_an_ims_public_id_is_refused_at_once():
    # 12 labels that fail only at the trailing space: minutes with the pattern as written.
    near_miss = "sip:a@" + "bbbbbbb." * 12 + "com "

    started = time.perf_counter()
    with pytest.raises(pydantic.ValidationError):
        SessionInfo(calling_identity=near_miss)

    assert time.perf_counter() - started < 1.0


def test_ims_public_ids_are_accepted_exactly_as_the_spec_pattern_says():
    samples = [
        "sip:bob@example.com", "sip:alice.smith@ims.mnc001.mcc262.3gppnetwork.org", "sip:a@b-c.de",
        "sip:a@bc.de", "sip:a@b.de", "sip:a@-b.de", "sip:a@bc-.de", "sip:a@b--c.d", "sip:a@bc.DE",
        "sip:a@bc.de.", "sip:@bc.de", "sip:a@bc", "tel:+4930123456", "tel:+1234", "tel:+1234567890123456",
        "tel:4930123456", "bob", "sip:a@bbbbbbb.bbbbbbb.com ",
    ]
    for sample in samples:
        expected = re.match(IMS_PUBLIC_ID, sample) is not None
        try:
            ImsSessionInfo(calling_party=sample, called_party="sip:bob@example.com")
            accepted = True
        except pydantic.ValidationError:
            accepted = False
        assert accepted == expected, sample
