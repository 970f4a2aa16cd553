"""Conformance suites that check a real backend against the specs (`revokit check`)."""
