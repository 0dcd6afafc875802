from .webhooks import inbound_urlpatterns

app_name = "mailin_webhooks"

urlpatterns = inbound_urlpatterns()
