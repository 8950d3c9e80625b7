"""Browser tests of awards: the web shell's fixtures (a real `toandan` server after
`toandan setup`, Debian's Chromium)."""

from toandan.web.tests.browser.conftest import *  # noqa: F403
