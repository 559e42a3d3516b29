"""Dash components built from plain data (the view models' output)."""
