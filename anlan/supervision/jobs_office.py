"""Background jobs of 督办 tasks (imported by ``tasks`` so huey finds them)."""
