from .ops_setup import gas_mine, lingshi_commander, squads  # noqa: F401
