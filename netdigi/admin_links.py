"""The admin's "view on site" link, scoped like the admin itself.

Django's admin answers /admin/r/<content type>/<id>/ for any staff member with a redirect
to the object's page, whatever the object: staff of one department could learn another
department's ticket numbers by counting ids. Here the object is looked up through its
model's admin, so the admin's own scoping and permissions apply (another department's
ticket is a 404), and a model admin's own `view_on_site` is followed (the staff ticket
page for tickets).
"""

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.contenttypes.models import ContentType
from django.contrib.contenttypes.views import shortcut
from django.http import Http404
from django.shortcuts import redirect


def view_on_site(request, content_type_id, object_id):
    try:
        model = ContentType.objects.get_for_id(int(content_type_id)).model_class()
    except (ValueError, ContentType.DoesNotExist):
        raise Http404 from None
    if model is None or not admin.site.is_registered(model):
        raise Http404
    model_admin = admin.site.get_model_admin(model)
    if not model_admin.view_on_site:
        raise Http404
    obj = model_admin.get_object(request, unquote(object_id))
    if obj is None or not model_admin.has_view_or_change_permission(request, obj):
        raise Http404
    if callable(model_admin.view_on_site):
        return redirect(model_admin.view_on_site(obj))
    return shortcut(request, content_type_id, object_id)
