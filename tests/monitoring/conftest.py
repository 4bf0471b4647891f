import pytest

from anlan.monitoring import config, services
from anlan.monitoring.choices import SensorKind
from anlan.monitoring.models import Sensor


@pytest.fixture(autouse=True)
def fresh_config_cache():
    config.forget()
    yield
    config.forget()


@pytest.fixture
def gateway_and_token(lingshi_mine):
    return services.create_gateway(user=None, enterprise=lingshi_mine, name="网关1", code="gw-1")


@pytest.fixture
def gateway(gateway_and_token):
    return gateway_and_token[0]


@pytest.fixture
def token(gateway_and_token):
    return gateway_and_token[1]


def make_sensor(gateway, tag="LT-101", **kwargs) -> Sensor:
    fields = dict(
        name="储罐A液位",
        kind=SensorKind.LEVEL,
        unit="m",
        range_min=0,
        range_max=20,
        limit_ll=1,
        limit_l=2,
        limit_h=15,
        limit_hh=18,
        deadband=0.5,
        debounce_seconds=0,
    )
    fields.update(kwargs)
    return services.save_sensor(
        user=None, enterprise=gateway.enterprise, data={"gateway": gateway, "tag": tag, **fields}
    )


@pytest.fixture
def level_sensor(gateway):
    return make_sensor(gateway)
