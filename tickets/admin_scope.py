"""Department scoping of the admin: staff see and act on their departments' objects only
(the rule itself: tickets.access).

Membership of a department is what makes a staff member able to use the Ticket and
predefined-reply admin, without model permissions; superusers see every department.
"""

from django.contrib import admin
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from . import access
from .models import Department


def department_ids(request):
    """The ids of the departments the request's user handles (None: all)."""
    return access.request_department_ids(request)


def works_in_any(request):
    ids = department_ids(request)
    return ids is None or bool(ids)


def may_handle(request, department_id):
    ids = department_ids(request)
    return ids is None or department_id in ids


class DepartmentScopedAdmin(admin.ModelAdmin):
    """Department staff may use this admin for the objects of their departments."""

    # Membership first: it is read once per request, while the model permissions cost a
    # query of their own.
    def has_module_permission(self, request):
        return works_in_any(request) or super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return works_in_any(request) or super().has_view_permission(request, obj)

    def get_object(self, request, object_id, from_field=None):
        # Another department's object is a 404 exactly like a missing one (the admin would
        # otherwise redirect with "doesn't exist. Perhaps it was deleted?").
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404
        return obj


class DepartmentFilter(admin.SimpleListFilter):
    """The departments of the staff member only (not every department)."""

    title = _("department")
    parameter_name = "department"

    def lookups(self, request, model_admin):
        departments = access.request_departments(request)
        if departments is None:
            departments = Department.objects.order_by("order", "name")
        return [(str(d.pk), d.name) for d in departments]

    def queryset(self, request, queryset):
        # Anything but a department id (?department=abc) is ignored, not a server error.
        value = self.value()
        if value and value.isascii() and value.isdigit():
            return queryset.filter(department=int(value))
        return queryset
