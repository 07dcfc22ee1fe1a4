"""Hostile submissions, one module per family of attack (see SECURITY.md)."""
