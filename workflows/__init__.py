"""Shipped workflow definitions (TOML); installed as decision_flow.workflows."""
