"""Callbacks: each unpacks its inputs and calls a plain function (dashboard.viewmodels,
dashboard.solutions_vm, dashboard.operations_vm, dashboard.downloads_vm,
dashboard.followup_vm, dashboard.agreement_vm, dashboard.team_vm, dashboard.notify_vm); none touches the database."""

from __future__ import annotations


def register_all(app) -> None:
    from dashboard.callbacks import downloads, followup, notify, operations, room, shell, solutions, team

    shell.register(app)
    room.register(app)
    downloads.register(app)
    solutions.register(app)
    operations.register(app)
    followup.register(app)
    team.register(app)
    notify.register(app)
