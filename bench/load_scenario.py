"""The locust users of bench/load.py (run by it; ``locust -f bench/load_scenario.py`` needs the
LOAD_* variables that bench/load.py sets, see there).

Four kinds of work, mixed by weight, each user waiting LOAD_WAIT seconds between requests
(default 3-7, a person reading the page they opened; 0.5-1.5 makes a stress test):
  field reports  an enterprise's safety manager reports a hazard (POST /api/hazards, token)
  ledgers        a regulator browses the hazard and enterprise ledgers in the browser: filters
                 (status, level, channel, search) and pages 1–5; and the hazard API list
  ingestion      a gateway posts 100 readings (POST /api/monitoring/ingest, gateway token)
  dashboards     the regulator's dashboard page (/) and GET /api/stats/dashboard
and the baselines, measured in the same run: /healthz (gunicorn, Django, SELECT 1) and a static
file (nginx alone).
"""

import itertools
import json
import os
import random
import time

from locust import HttpUser, between, task

CONFIG = json.loads(os.environ["LOAD_CONFIG"])
CERT = os.environ["LOAD_CERT"]
STATUSES = ["", "reported", "verified", "rectifying", "closed"]
LEVELS = ["", "general", "major"]
CHANNELS = ["", "self_inspection", "department_patrol", "grid_member"]
_clock = itertools.count()
_sessions = itertools.cycle(CONFIG["sessions"])


WAIT = [float(x) for x in os.environ.get("LOAD_WAIT", "3-7").split("-")]


class Staff(HttpUser):
    wait_time = between(*WAIT)

    def on_start(self):
        self.client.trust_env = False  # REQUESTS_CA_BUNDLE would replace the site's certificate
        self.client.verify = CERT
        self.api_token = {"Authorization": f"Bearer {CONFIG['regulator_token']}"}
        self.reporter = {"Authorization": f"Bearer {CONFIG['reporter_token']}"}
        # A browser session signed in beforehand (bench/load.py makes them): the password hash
        # of a real sign-in is not what this scenario measures.
        self.client.cookies.set("sessionid", next(_sessions), domain="127.0.0.1", path="/")
        self.gateway = random.choice(CONFIG["gateways"])

    def page(self, path, name, params=None):
        """A page as the signed-in regulator; a detour to the sign-in page is a failure."""
        with self.client.get(path, params=params, name=name, catch_response=True) as answer:
            if "/accounts/login/" in answer.url:
                answer.failure("not signed in: sent to the sign-in page")

    # ------------------------------------------------------------ field reports
    @task(2)
    def report_hazard(self):
        self.client.post(
            "/api/hazards",
            json={
                "enterprise": CONFIG["reporter_enterprise"],
                "description": f"压力表超期未检，负载测试 {random.randrange(10**9)}",
                "category": random.choice(["equipment", "fire", "electrical", "management"]),
                "channel": "self_inspection",
            },
            headers=self.reporter,
            name="field report: POST /api/hazards",
        )

    # ------------------------------------------------------------ ledgers
    @task(4)
    def browse_hazard_ledger(self):
        params = {
            "status": random.choice(STATUSES),
            "level": random.choice(LEVELS),
            "channel": random.choice(CHANNELS),
            "page": random.randint(1, 5),
        }
        self.page("/hazards/", "ledger: /hazards/", {k: v for k, v in params.items() if v})

    @task(2)
    def browse_enterprise_ledger(self):
        params = {"page": random.randint(1, 3)}
        if random.random() < 0.5:
            params["q"] = random.choice(["煤", "化工", "燃气", "演示"])
        self.page("/enterprises/", "ledger: /enterprises/", params)

    @task(2)
    def hazard_api_list(self):
        self.client.get(
            "/api/hazards",
            params={"status": random.choice(STATUSES[1:]), "limit": 25,
                    "offset": 25 * random.randint(0, 4)},
            headers=self.api_token,
            name="ledger: GET /api/hazards",
        )  # fmt: skip

    # ------------------------------------------------------------ ingestion
    @task(3)
    def ingest(self):
        code, token, tags = self.gateway
        now = int(time.time()) - 30 + next(_clock) % 30
        self.client.post(
            "/api/monitoring/ingest",
            json={"tags": tags, "ts": [now] * len(tags),
                  "values": [round(random.uniform(3, 12), 2) for _ in tags]},
            headers={"X-Gateway-Token": token},
            name="ingestion: POST 100 readings",
        )  # fmt: skip

    # ------------------------------------------------------------ dashboards
    @task(2)
    def dashboard_page(self):
        self.page("/", "dashboard: /")

    @task(2)
    def dashboard_api(self):
        self.client.get(
            "/api/stats/dashboard",
            headers=self.api_token,
            name="dashboard: GET /api/stats/dashboard",
        )

    # ------------------------------------------------------------ baselines
    @task(1)
    def healthz(self):
        self.client.get("/healthz", name="baseline: /healthz (Django)")

    @task(1)
    def static_file(self):
        self.client.get(CONFIG["static_path"], name="baseline: static file (nginx)")
