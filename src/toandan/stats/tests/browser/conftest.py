"""Browser tests of the statistics pages: the web shell's fixtures (a real `toandan` server
after `toandan setup`, Debian's Chromium; desktop, 320 px phone and no-JavaScript pages)."""

from toandan.web.tests.browser.conftest import *  # noqa: F403
