"""Bad CAP is refused with a clear reason, kept for inspection, and changes nothing else."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from anlan.alerts import cap, ingest
from anlan.alerts.models import Alert, RejectedMessage

from .alerts_setup import cap_xml

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><identifier>&lol3;</identifier></alert>"""

EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE alert [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><identifier>&xxe;</identifier></alert>"""


def rejected(data):
    outcome = ingest.import_message(data, received_from="bad.xml")
    assert outcome.status == "rejected"
    assert not Alert.objects.exists()
    kept = RejectedMessage.objects.get(pk=outcome.rejected.pk)
    assert kept.reason == outcome.reason and kept.received_from == "bad.xml"
    return outcome


def fields(outcome):
    return " ".join(e["field"] for e in outcome.errors)


def test_malformed_xml_is_refused_as_not_well_formed(db):
    outcome = rejected(b"<alert><identifier>x</alert>")
    assert "well-formed" in outcome.reason or "格式" in outcome.reason


def test_entity_expansion_is_refused_without_expanding(db):
    outcome = rejected(BILLION_LAUGHS)
    assert "DTD" in outcome.reason
    assert "lollol" not in RejectedMessage.objects.get().identifier


def test_external_entities_are_refused_and_never_read(db):
    outcome = rejected(EXTERNAL_ENTITY)
    assert "DTD" in outcome.reason
    assert "root:" not in RejectedMessage.objects.get().content


def test_a_message_failing_the_schema_names_the_element(db):
    outcome = rejected(cap_xml().replace(b"<status>Actual</status>", b"<status>Real</status>"))
    assert "status" in fields(outcome)
    assert "schema" in outcome.reason


def test_a_missing_required_element_is_a_schema_error(db):
    outcome = rejected(cap_xml().replace(b"<scope>Public</scope>", b""))
    assert "schema" in outcome.reason


def test_cap_1_1_is_refused_by_namespace(db):
    data = cap_xml().replace(b"emergency:cap:1.2", b"emergency:cap:1.1")
    outcome = rejected(data)
    assert "1.2" in outcome.reason


def test_a_polygon_that_does_not_close_is_refused(db):
    outcome = rejected(cap_xml(polygon="36.8,111.7 36.8,111.9 36.9,111.9 36.9,111.7"))
    assert "polygon" in fields(outcome)
    assert "close" in outcome.reason or "闭合" in outcome.reason


def test_a_warning_that_expires_before_it_starts_is_refused(db):
    import datetime as dt

    from django.utils import timezone

    now = timezone.now()
    outcome = rejected(cap_xml(effective=now, expires=now - dt.timedelta(hours=1)))
    assert "expires" in fields(outcome)


def test_an_update_whose_reference_is_unknown_is_refused(db):
    outcome = rejected(
        cap_xml(
            identifier="u-1",
            msg_type="Update",
            references="someone@example.cn,never-sent,2026-12-01T08:00:00+08:00",
        )
    )
    assert "references" in fields(outcome)


def test_an_update_without_references_is_refused(db):
    outcome = rejected(cap_xml(identifier="u-2", msg_type="Update"))
    assert "references" in fields(outcome)


def test_an_identifier_with_spaces_is_refused(db):
    outcome = rejected(cap_xml(identifier="has space"))
    assert "identifier" in fields(outcome)


def test_a_duplicate_is_ignored_and_stored_once(world):
    first = ingest.import_message(cap_xml(), received_from="a.xml")
    again = ingest.import_message(cap_xml(), received_from="b.xml")
    assert (first.status, again.status) == ("imported", "duplicate")
    assert Alert.objects.count() == 1 and again.alert == first.alert


def test_an_oversized_message_is_refused(db, settings):
    settings.ANLAN_CAP_MAX_BYTES = 1000
    outcome = rejected(cap_xml() + b" " * 2000)
    assert "1000" in outcome.reason


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.binary(max_size=400))
def test_any_bytes_give_either_a_message_or_a_clear_refusal(data):
    try:
        cap.parse(data)
    except cap.CapError as exc:
        assert exc.reason and exc.errors


@pytest.mark.parametrize("colour,word", [("red", "红色"), ("orange", "橙色"), ("blue", "蓝色")])
def test_the_colour_is_read_from_the_chinese_event(world, colour, word):
    outcome = ingest.import_message(
        cap_xml(identifier=f"c-{colour}", event=f"暴雨{word}预警", headline=f"暴雨{word}预警"),
        received_from="x.xml",
    )
    assert outcome.alert.colour == colour and outcome.alert.signal_type == "rainstorm"


def test_the_colour_falls_back_to_the_severity_mapping(world):
    outcome = ingest.import_message(
        cap_xml(event="Cold wave", headline="Cold wave warning", severity="Severe"),
        received_from="x.xml",
    )
    assert (outcome.alert.signal_type, outcome.alert.colour) == ("cold_wave", "orange")
