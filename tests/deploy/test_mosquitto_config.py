"""deploy/mosquitto/anlan.conf and deploy/mosquitto/acl started for real: a mosquitto with
accounts, the ACL and a TLS listener for gateways, on loopback ports. Only the listeners' ports
and the file paths are replaced."""

import json
import os
import pwd
import shutil
import ssl
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import paho.mqtt.client as paho
import pytest

from anlan.monitoring import broker as mosquitto

from . import stack as production

pytestmark = pytest.mark.skipif(
    mosquitto.binary() is None or shutil.which("mosquitto_passwd") is None,
    reason="mosquitto is not installed (Debian package mosquitto)",
)
WAIT = 15  # seconds: an upper bound for a busy machine, not a timing assertion


@pytest.fixture(scope="module")
def broker():
    folder = Path(tempfile.mkdtemp(prefix="anlan-mosq-", dir="/tmp"))
    folder.chmod(0o755)
    cert, key = production.self_signed_certificate(folder)
    passwd, acl = folder / "passwd", folder / "acl"
    passwd.touch()
    for user, password in (("anlan-ingest", "consumer-pw"), ("gw-1", "gw1-pw"), ("gw-2", "gw2-pw")):
        subprocess.run(["mosquitto_passwd", "-b", str(passwd), user, password], check=True)
    shutil.copy(production.DEPLOY / "mosquitto" / "acl", acl)
    plain, tls = production.free_port(), production.free_port()
    text = (production.DEPLOY / "mosquitto" / "anlan.conf").read_text()
    for old, new in {
        "listener 1883 127.0.0.1": f"listener {plain} 127.0.0.1",
        "listener 8883": f"listener {tls} 127.0.0.1",
        "/etc/mosquitto/passwd": str(passwd),
        "/etc/mosquitto/acl": str(acl),
        "/etc/mosquitto/certs/broker.crt": str(cert),
        "/etc/mosquitto/certs/broker.key": str(key),
        "/var/lib/mosquitto/": f"{folder}/",
    }.items():
        assert old in text, f"deploy/mosquitto/anlan.conf no longer contains {old!r}"
        text = text.replace(old, new)
    if os.geteuid() == 0:  # mosquitto drops to its own user: it must read these files
        try:
            account = pwd.getpwnam("mosquitto")
        except KeyError:
            text += "\nuser root\n"
        else:
            for path in (folder, passwd, acl, key):
                os.chown(path, account.pw_uid, account.pw_gid)
    config = folder / "mosquitto.conf"
    config.write_text(text)
    log = folder / "mosquitto.log"
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [mosquitto.binary(), "-c", str(config)], stdout=out, stderr=subprocess.STDOUT
        )
    try:
        deadline = time.monotonic() + WAIT
        while not all(mosquitto._accepts("127.0.0.1", port) for port in (plain, tls)):
            assert process.poll() is None and time.monotonic() < deadline, log.read_text()
            time.sleep(0.05)
        yield {"plain": plain, "tls": tls, "cert": cert}
    finally:
        process.terminate()
        process.wait(WAIT)
        shutil.rmtree(folder, ignore_errors=True)


def client(name, user=None, password=None):
    mqtt = paho.Client(paho.CallbackAPIVersion.VERSION2, client_id=name, protocol=paho.MQTTv311)
    if user:
        mqtt.username_pw_set(user, password)
    return mqtt


def connect(mqtt, port):
    """The broker's answer to the connection: 0 accepted, otherwise its refusal."""
    answer = {}
    done = threading.Event()

    def on_connect(c, userdata, flags, reason_code, properties):
        answer["rc"] = reason_code.value
        done.set()

    mqtt.on_connect = on_connect
    mqtt.connect("127.0.0.1", port, keepalive=10)
    mqtt.loop_start()
    assert done.wait(WAIT)
    return answer["rc"]


def test_anonymous_clients_and_wrong_passwords_are_refused(broker):
    for mqtt in (client("anon"), client("bad", "gw-1", "wrong")):
        try:
            assert connect(mqtt, broker["plain"]) != 0
        finally:
            mqtt.loop_stop()


def test_a_gateway_over_tls_reaches_the_consumer_only_on_its_own_topic(broker):
    received = []
    arrived = threading.Condition()
    consumer = client("anlan-ingest-1-1", "anlan-ingest", "consumer-pw")

    def on_message(c, userdata, message):
        with arrived:
            received.append((message.topic, json.loads(message.payload)))
            arrived.notify_all()

    consumer.on_message = on_message
    subscribed = threading.Event()
    consumer.on_subscribe = lambda *args: subscribed.set()
    assert connect(consumer, broker["plain"]) == 0
    consumer.subscribe("anlan/gateways/+/readings", qos=1)
    assert subscribed.wait(WAIT)

    gateway = client("gw-1", "gw-1", "gw1-pw")
    gateway.tls_set(ca_certs=str(broker["cert"]), cert_reqs=ssl.CERT_REQUIRED)
    try:
        assert connect(gateway, broker["tls"]) == 0
        # Another gateway's topic: the broker drops it (the ACL); its own: delivered.
        gateway.publish("anlan/gateways/gw-2/readings", json.dumps({"batch": "forged"}), qos=1)
        gateway.publish("anlan/gateways/gw-1/readings", json.dumps({"batch": "own"}), qos=1)
        with arrived:
            assert arrived.wait_for(lambda: received, WAIT)
        time.sleep(0.3)  # the forged message, if it were delivered, would be here by now
        assert received == [("anlan/gateways/gw-1/readings", {"batch": "own"})]
    finally:
        gateway.loop_stop()
        consumer.loop_stop()
