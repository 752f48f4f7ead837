"""The API's URLs, included under ``api/`` with the namespace ``api``."""

from bokslut.api.api import api

urlpatterns, _ninja_app_name, _namespace = api.urls
app_name = "api"
