"""The Dash application: the room's map, panels and pages; the root of the `sala` command."""
