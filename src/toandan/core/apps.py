from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "toandan.core"
    label = "core"

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from toandan.core import deployment  # noqa: F401 - registers its system checks
        from toandan.core.sql import cache_long_statement_parses
        from toandan.core.sqlite import private_sqlite_files

        cache_long_statement_parses()

        connection_created.connect(private_sqlite_files, dispatch_uid="toandan.private_sqlite")
