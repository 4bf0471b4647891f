"""Ingestion consumers partitioned by enterprise (``anlan monitor mqtt --partition i/n``), on a
real mosquitto: every batch is stored and answered exactly once, by the consumer whose partition
holds the gateway's enterprise."""

import threading
import time

import pytest
from django.core.management import CommandError, call_command

from anlan.monitoring import broker as mosquitto
from anlan.monitoring import mqtt, readings, services
from tests.factories import EnterpriseFactory

from .conftest import make_sensor
from .test_mqtt import WAIT, broker, clean_slate, consumer_db  # noqa: F401 - fixtures
from .test_mqtt import Gateway as Sender

pytestmark = pytest.mark.skipif(
    mosquitto.binary() is None, reason="mosquitto is not installed (Debian package mosquitto)"
)


def test_a_partition_is_the_enterprise_id_modulo_the_count_plus_one():
    assert [mqtt.partition_of(enterprise_id, 3) for enterprise_id in range(1, 7)] == [
        2,
        3,
        1,
        2,
        3,
        1,
    ]
    assert mqtt.parse_partition("2/4") == (2, 4)
    for wrong in ("0/4", "5/4", "2", "a/b", "1/0"):
        with pytest.raises(ValueError, match="partition"):
            mqtt.parse_partition(wrong)


def test_the_command_refuses_a_partition_it_cannot_read(db):
    with pytest.raises(CommandError, match="--partition: partition '3/2'"):
        call_command("monitor_mqtt", "--partition", "3/2")


@consumer_db
def test_each_enterprise_is_stored_by_exactly_one_of_two_partitioned_consumers(
    clean_slate,  # noqa: F811
    broker,  # noqa: F811
):
    enterprises = [EnterpriseFactory(name=f"分区测试企业{i}") for i in range(4)]
    tokens = {}
    for enterprise in enterprises:
        gateway, token = services.create_gateway(
            user=None, enterprise=enterprise, name="网关", code=f"gw-e{enterprise.pk}"
        )
        make_sensor(gateway, tag="LT-101")
        tokens[gateway.code] = (token, enterprise.pk)

    stop = threading.Event()
    stored: dict[int, list[str]] = {1: [], 2: []}
    consumers, threads = [], []
    for index in (1, 2):
        consumer = mqtt.Consumer(
            host=broker.host,
            port=broker.port,
            client_id=f"anlan-ingest-{index}-2",
            partition=(index, 2),
            min_delay=0.1,
            max_delay=1.0,
            report_seconds=0,
            on_batch=lambda code, outcome, *_, index=index: stored[index].append(code),
        )
        thread = threading.Thread(target=consumer.run, args=(stop,), daemon=True)
        thread.start()
        consumers.append(consumer)
        threads.append(thread)
    sender = Sender(broker)
    try:
        for consumer in consumers:
            assert consumer.subscribed.wait(WAIT), broker.log_text()
        t = int(time.time())
        for code, (token, _) in tokens.items():
            sender.publish(code, {"token": token, "batch": code, "readings": [["LT-101", t, 4.0]]})
        sender.publish("gw-nobody", {"token": "gw_x", "batch": "nobody", "readings": []})
        for code in tokens:  # a stored answer for each (perhaps after a transient error)
            with sender.changed:
                assert sender.changed.wait_for(
                    lambda code=code: any(
                        r.get("batch") == code and "accepted" in r for _, r in sender.replies
                    ),
                    WAIT,
                ), sender.replies
        assert sender.wait_for_batches({"nobody"}) == set()
        time.sleep(0.5)  # any second (duplicate) answer would have arrived by now
    finally:
        sender.close()
        stop.set()
        for thread in threads:
            thread.join(WAIT)

    # Every batch stored and answered once, by the partition of its enterprise. On SQLite the two
    # consumers may meet "database is locked": that batch is answered with the transient error,
    # not acknowledged, delivered again and then stored (the consumer's documented behaviour).
    stored_answers = sorted(reply["batch"] for _, reply in sender.replies if "accepted" in reply)
    assert stored_answers == sorted(tokens)
    refusals = [reply for _, reply in sender.replies if "accepted" not in reply]
    assert (
        refusals.count({"batch": "nobody", "error": "No active gateway with code 'gw-nobody'."})
        == 1
    )
    assert all(
        reply["batch"] == "nobody" or reply["error"].startswith("The database is unavailable")
        for reply in refusals
    ), refusals
    for code, (_, enterprise_id) in tokens.items():
        assert code in stored[mqtt.partition_of(enterprise_id, 2)]
        assert code not in stored[3 - mqtt.partition_of(enterprise_id, 2)]
    assert readings.count_readings() == len(tokens)
    assert {
        (reply["accepted"], reply["duplicates"])
        for _, reply in sender.replies
        if "accepted" in reply
    } == {(1, 0)}
    assert consumers[0].skipped + consumers[1].skipped == len(tokens) + 1
