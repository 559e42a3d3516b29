"""Callbacks: each unpacks its inputs and calls a plain function (dashboard.viewmodels,
dashboard.solutions_vm, dashboard.operations_vm, dashboard.downloads_vm,
dashboard.followup_vm); none touches the database."""

from __future__ import annotations


def register_all(app) -> None:
    from dashboard.callbacks import downloads, followup, operations, room, shell, solutions

    shell.register(app)
    room.register(app)
    downloads.register(app)
    solutions.register(app)
    operations.register(app)
    followup.register(app)
