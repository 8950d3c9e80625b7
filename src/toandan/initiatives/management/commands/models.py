"""`toandan models import FILE.xlsx --as USERNAME`: the name the issue uses for
`toandan initiatives import` (the same command)."""

from toandan.initiatives.management.commands.initiatives import Command as InitiativesCommand


class Command(InitiativesCommand):
    pass
