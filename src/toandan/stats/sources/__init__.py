"""Statistics sources of the domains, one module each (`initiatives.py`, `awards.py`, ...).

Statistics sit above the domains: they import a domain, a domain never imports statistics.
So a domain's source, its dimensions, its summary sentences and any figure the domain needs
back from statistics (a review page that shows the tips of its area, a nomination's evidence)
live here, in `toandan/stats/sources/<domain>.py`, with a `register()` function that
`StatsConfig.ready()` calls for every module of this package. The domain declares the
extension point (a small registry in its own code); the module here fills it.
"""

from __future__ import annotations

import importlib
import pkgutil


def register_all() -> None:
    for module in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{module.name}").register()
