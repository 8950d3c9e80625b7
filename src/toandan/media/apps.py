from django.apps import AppConfig


class MediaConfig(AppConfig):
    """Uploaded files checked by their bytes and rewritten without identifying metadata.

    No models: an app only so that its messages have their own Vietnamese catalogue.
    """

    name = "toandan.media"
    label = "media"
