from django.urls import URLPattern, URLResolver

app_name = "antifraud"

urlpatterns: list[URLPattern | URLResolver] = []
