"""Dashboard: the units' figures (live and per month) and the month counts that feed them."""
