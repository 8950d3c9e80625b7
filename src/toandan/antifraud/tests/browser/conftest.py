"""Browser tests of the anti-fraud pages: the web shell's fixtures (a real `toandan` server after
`toandan setup` with the demo data, Debian's Chromium)."""

from toandan.web.tests.browser.conftest import *  # noqa: F403
