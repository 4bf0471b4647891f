from django.db import models
from django.utils.translation import gettext_lazy as _


class SensorKind(models.TextChoices):
    LEVEL = "level", _("Liquid level")
    TEMPERATURE = "temperature", _("Temperature")
    PRESSURE = "pressure", _("Pressure")
    FLOW = "flow", _("Flow")
    COMBUSTIBLE_GAS = "combustible_gas", _("Combustible gas (%LEL)")
    TOXIC_GAS = "toxic_gas", _("Toxic gas (ppm)")
    COOLING_WATER_FLOW = "cooling_water_flow", _("Cooling-water flow")
    COOLING_WATER_PRESSURE = "cooling_water_pressure", _("Cooling-water pressure")
    COOLING_WATER_TEMPERATURE = "cooling_water_temperature", _("Cooling-water temperature")
    VALVE_STATE = "valve_state", _("Valve state")
    SIS_STATE = "sis_state", _("SIS / ESD state")


class AlarmKind(models.TextChoices):
    HH = "hh", _("High-high (HH)")
    H = "h", _("High (H)")
    L = "l", _("Low (L)")
    LL = "ll", _("Low-low (LL)")
    FAULT_WIRE_BREAK = "fault_wire_break", _("Fault: wire break")
    FAULT_OVER_RANGE = "fault_over_range", _("Fault: over range")


FAULT_KINDS = {AlarmKind.FAULT_WIRE_BREAK, AlarmKind.FAULT_OVER_RANGE}


class AlarmLevel(models.TextChoices):
    """HH / LL and faults are urgent; H / L are warnings."""

    URGENT = "urgent", _("Urgent")
    WARNING = "warning", _("Warning")
    FAULT = "fault", _("Device fault")


LEVEL_OF_KIND = {
    AlarmKind.HH: AlarmLevel.URGENT,
    AlarmKind.LL: AlarmLevel.URGENT,
    AlarmKind.H: AlarmLevel.WARNING,
    AlarmKind.L: AlarmLevel.WARNING,
    AlarmKind.FAULT_WIRE_BREAK: AlarmLevel.FAULT,
    AlarmKind.FAULT_OVER_RANGE: AlarmLevel.FAULT,
}

LEVEL_COLOURS = {
    AlarmLevel.URGENT: "danger",
    AlarmLevel.WARNING: "warning",
    AlarmLevel.FAULT: "secondary",
}


class AlarmStatus(models.TextChoices):
    """Derived from the timestamps (``Alarm.status``), never stored."""

    RAISED = "raised", _("Raised")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    DISPOSED = "disposed", _("Disposed")
    CLEARED = "cleared", _("Cleared")


STATUS_COLOURS = {
    AlarmStatus.RAISED: "danger",
    AlarmStatus.ACKNOWLEDGED: "warning",
    AlarmStatus.DISPOSED: "info",
    AlarmStatus.CLEARED: "success",
}


class DisposalCause(models.TextChoices):
    GENUINE = "genuine", _("Genuine alarm (真实报警)")
    PROCESS_FLUCTUATION = "process_fluctuation", _("Process fluctuation (工艺波动)")
    INSTRUMENT_FAULT = "instrument_fault", _("Instrument fault (仪表故障)")
    MAINTENANCE = "maintenance", _("Maintenance (检维修)")
    FALSE_ALARM = "false_alarm", _("False alarm (误报)")


class EscalationLevel(models.TextChoices):
    """How far up the chain an unhandled alarm has gone (never goes back down)."""

    ENTERPRISE = "enterprise", _("Enterprise")
    COUNTY = "county", _("County regulators")
    CITY = "city", _("City administrators")


ESCALATION_ORDER = [EscalationLevel.ENTERPRISE, EscalationLevel.COUNTY, EscalationLevel.CITY]
