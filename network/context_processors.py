from .status import NetworkStatus


def network_status(request):
    """`network_status` on every page: the banner and what concerns the user's services.

    Lazy: a page that does not show it (the admin) reads nothing."""
    return {"network_status": NetworkStatus()}
