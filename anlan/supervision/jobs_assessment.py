"""Background jobs of assessments (imported by ``tasks`` so huey finds them)."""
