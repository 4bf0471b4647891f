"""Scheduled bulletin generation and delivery."""
