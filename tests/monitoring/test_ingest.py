import json
import time

import pytest
from django.test import Client

from anlan.monitoring import readings
from anlan.monitoring.models import Alarm

from .conftest import make_sensor

URL = "/api/monitoring/ingest"


def post(token, payload, content_type="application/json"):
    body = payload if isinstance(payload, str | bytes) else json.dumps(payload)
    headers = {"X-Gateway-Token": token} if token else {}
    return Client().post(URL, body, content_type=content_type, headers=headers)


def now_s():
    return time.time()


@pytest.mark.django_db
def test_row_form_is_stored_and_counted(token, level_sensor):
    t = now_s()
    response = post(token, {"readings": [["LT-101", t - 2, 5.0], ["LT-101", t - 1, 5.5]]})
    assert response.status_code == 200, response.content
    assert response.json()["accepted"] == 2
    assert readings.count_readings(level_sensor.pk) == 2


@pytest.mark.django_db
def test_column_form_and_iso_times(token, level_sensor):
    payload = {
        "tags": ["LT-101", "LT-101"],
        "ts": ["2030-01-01T00:00:00Z", time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime())],
        "values": [1, "7.5"],
    }
    data = post(token, payload).json()
    assert data["accepted"] == 1
    assert data["rejects"] == [{"index": 0, "tag": "LT-101", "reason": "future"}]


@pytest.mark.django_db
def test_csv_with_header(token, level_sensor):
    t = int(now_s())
    body = f"tag,ts,value\nLT-101,{t - 3},4.2\nLT-101,{t - 2},4.3\nNOPE,{t},1\n"
    data = post(token, body, content_type="text/csv").json()
    assert (data["accepted"], data["rejected"]) == (2, 1)
    assert data["rejects"][0]["reason"] == "unknown_sensor"


@pytest.mark.django_db
def test_each_reject_names_its_reason(token, gateway, level_sensor):
    make_sensor(gateway, tag="OFF", is_active=False)
    t = now_s()
    data = post(
        token,
        {
            "readings": [
                ["GHOST", t, 1],
                ["OFF", t, 1],
                ["LT-101", t, "abc"],
                ["LT-101", "yesterday-ish", 1],
                ["LT-101", t + 3600, 1],
                ["LT-101", t - 30 * 86400, 1],
                ["LT-101", t - 5, 3.0],
            ]
        },
    ).json()
    reasons = [r["reason"] for r in data["rejects"]]
    assert reasons == [
        "unknown_sensor",
        "inactive_sensor",
        "not_a_number",
        "bad_time",
        "future",
        "too_old",
    ]
    assert data["accepted"] == 1


@pytest.mark.django_db
def test_unit_mismatch_is_rejected(token, level_sensor):
    t = now_s()
    data = post(
        token, {"tags": ["LT-101"] * 2, "ts": [t - 1, t], "values": [1, 2], "units": ["m", "cm"]}
    ).json()
    assert data["accepted"] == 1
    assert data["rejects"][0]["reason"] == "unit_mismatch"


@pytest.mark.django_db
def test_same_batch_twice_counts_duplicates_and_stores_once(token, level_sensor):
    t = now_s()
    payload = {
        "readings": [["LT-101", t - 3, 5.0], ["LT-101", t - 2, 16.0], ["LT-101", t - 1, 5.0]]
    }
    first = post(token, payload).json()
    second = post(token, payload).json()
    assert (first["accepted"], first["duplicates"]) == (3, 0)
    assert (second["accepted"], second["duplicates"]) == (0, 3)
    assert readings.count_readings(level_sensor.pk) == 3
    assert Alarm.objects.count() == 1  # the replay did not raise the H alarm again


@pytest.mark.django_db
def test_partial_replay_counts_exactly(token, level_sensor):
    t = now_s()
    post(token, {"readings": [["LT-101", t - 3, 5.0]]})
    data = post(
        token,
        {"readings": [["LT-101", t - 3, 5.0], ["LT-101", t - 2, 6.0], ["LT-101", t - 2, 6.0]]},
    ).json()
    assert (data["accepted"], data["duplicates"]) == (1, 2)
    assert readings.count_readings(level_sensor.pk) == 2


@pytest.mark.django_db
def test_batch_over_the_limit_is_refused(token, level_sensor, settings):
    settings.ANLAN_MONITORING_MAX_BATCH = 3
    t = now_s()
    response = post(
        token, {"tags": ["LT-101"] * 4, "ts": [t - i for i in range(4)], "values": [1] * 4}
    )
    assert response.status_code == 413
    assert "at most 3" in response.json()["detail"]
    assert readings.count_readings() == 0


@pytest.mark.parametrize(
    "body,content_type",
    [
        ("{not json", "application/json"),
        ("[1, 2]", "application/json"),
        ('{"readings": 5}', "application/json"),
        ('{"readings": [["a", 1]]}', "application/json"),
        ('{"readings": [[["x"], {}, []]]}', "application/json"),
        ('{"tags": ["a"], "ts": [1, 2], "values": [1]}', "application/json"),
        ('{"tags": "a", "ts": [1], "values": [1]}', "application/json"),
        ('{"something": 1}', "application/json"),
        ("a,b\n", "text/csv"),
        (b"\xff\xfe\x00", "text/csv"),
        (b"\xff\xfe\x00", "application/json"),
    ],
)
@pytest.mark.django_db
def test_malformed_payloads_are_4xx_never_500(token, level_sensor, body, content_type):
    response = post(token, body, content_type=content_type)
    assert response.status_code < 500, response.content
    if response.status_code == 200:  # readable batch, every reading refused on its own
        assert response.json()["rejected"] == response.json()["received"]
    else:
        assert 400 <= response.status_code < 500
        assert response.json()["detail"]
    assert readings.count_readings() == 0


@pytest.mark.django_db
def test_weird_values_are_rejected_per_reading(token, level_sensor):
    t = now_s()
    data = post(
        token,
        {"readings": [["LT-101", t, [1]], ["LT-101", t, True], [5, t, 1], ["LT-101", None, 1]]},
    )
    assert data.status_code == 200
    assert data.json()["rejected"] == 4


@pytest.mark.django_db
def test_wrong_or_missing_token_is_401(level_sensor, token):
    t = now_s()
    payload = {"readings": [["LT-101", t, 1]]}
    assert post("gw_wrong", payload).status_code == 401
    assert post(None, payload).status_code == 401
    assert readings.count_readings() == 0


@pytest.mark.django_db
def test_a_user_token_does_not_open_ingestion(level_sensor, lingshi_regulator):
    from anlan.core.models import ApiToken

    _, raw = ApiToken.issue(user=lingshi_regulator, name="x")
    response = Client().post(
        URL, "{}", content_type="application/json", headers={"Authorization": f"Bearer {raw}"}
    )
    assert response.status_code == 401


@pytest.mark.django_db
def test_gateway_only_reaches_its_own_sensors(token, level_sensor, yuncheng_plant):
    from anlan.monitoring import services

    other_gw, _ = services.create_gateway(
        user=None, enterprise=yuncheng_plant, name="g", code="gw-yc"
    )
    make_sensor(other_gw, tag="YC-1")
    data = post(token, {"readings": [["YC-1", now_s(), 1]]}).json()
    assert data["rejects"][0]["reason"] == "unknown_sensor"


@pytest.mark.django_db
def test_a_gateway_repeating_its_tag_list_reaches_the_same_sensors_and_a_new_one_counts(
    token, gateway, level_sensor
):
    """Gateways send the same tags cycle after cycle; the positions of a recent tag list are
    reused, and a sensor added in between is found (its tag was unknown before)."""
    t = now_s()
    tags = ["LT-101", "NEW-1", "LT-101"]
    first = post(token, {"tags": tags, "ts": [t - 30, t - 30, t - 29], "values": [1, 2, 3]})
    assert first.json()["rejects"] == [{"index": 1, "tag": "NEW-1", "reason": "unknown_sensor"}]
    again = post(token, {"tags": tags, "ts": [t - 20, t - 20, t - 19], "values": [1, 2, 3]})
    assert (again.json()["accepted"], again.json()["rejected"]) == (2, 1)
    new = make_sensor(gateway, tag="NEW-1")
    third = post(token, {"tags": tags, "ts": [t - 10, t - 10, t - 9], "values": [1, 2, 3]})
    assert (third.json()["accepted"], third.json()["rejected"]) == (3, 0)
    assert readings.count_readings(new.pk) == 1
    assert readings.count_readings(level_sensor.pk) == 6
