"""Browser tests of the community-model pages: the web shell's fixtures (a real `toandan`
server after `toandan setup`, Debian's Chromium; desktop, 320 px phone and no-JavaScript)."""

from toandan.web.tests.browser.conftest import *  # noqa: F403
