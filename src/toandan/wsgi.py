import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "toandan.settings")
application = get_wsgi_application()

# Any WSGI server (gunicorn, uWSGI, waitress) imports this module: a production process without
# what it needs (e.g. TOANDAN_SITE_URL) stops here, before its first request.
from toandan.core.deployment import deployment_checks_run  # noqa: E402

deployment_checks_run()
