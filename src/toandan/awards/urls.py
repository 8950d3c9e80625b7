from django.urls import URLPattern, URLResolver

app_name = "awards"

urlpatterns: list[URLPattern | URLResolver] = []
