"""Incidents in the admin, for every staff member (they concern the whole network). Every
save writes an audit event; the cached status is renewed by the model signals. Updates added
here appear on the status page only: posting one to the linked tickets is done from the
incident's staff page."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import AffectedServer, Incident, IncidentEvent, IncidentTicket, IncidentUpdate


class StaffMayManage:
    """Incidents concern the whole network: every active staff member manages them, without
    model permissions (like the department-scoped admins of tickets/admin.py)."""

    def _staff(self, request):
        return request.user.is_active and request.user.is_staff

    def has_view_permission(self, request, obj=None):
        return self._staff(request)

    def has_add_permission(self, request, obj=None):
        return self._staff(request)

    def has_change_permission(self, request, obj=None):
        return self._staff(request)

    def has_delete_permission(self, request, obj=None):
        return self._staff(request)


class AffectedServerInline(StaffMayManage, admin.TabularInline):
    model = AffectedServer
    extra = 1
    fields = ["hostname", "recovered_at"]


class IncidentUpdateInline(StaffMayManage, admin.StackedInline):
    model = IncidentUpdate
    extra = 0
    fields = ["state", "body", "body_id", "author", "broadcast", "created_at"]
    readonly_fields = ["author", "broadcast", "created_at"]
    ordering = ["-created_at"]


class IncidentEventInline(StaffMayManage, admin.TabularInline):
    model = IncidentEvent
    extra = 0
    fields = ["created_at", "actor", "action", "detail"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Incident)
class IncidentAdmin(StaffMayManage, admin.ModelAdmin):
    list_display = ["title", "kind", "impact", "state", "starts_at", "ends_at"]
    list_filter = ["kind", "impact", "state"]
    search_fields = ["title", "title_id", "servers__hostname"]
    date_hierarchy = "starts_at"
    inlines = [AffectedServerInline, IncidentUpdateInline, IncidentEventInline]
    fieldsets = [
        (None, {"fields": ["kind", "impact", "state", "starts_at", "ends_at"]}),
        (_("English"), {"fields": ["title", "description"]}),
        (_("Bahasa Indonesia"), {"fields": ["title_id", "description_id"]}),
    ]

    def has_module_permission(self, request):
        return self._staff(request)

    def has_add_permission(self, request):
        return self._staff(request)

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
        if change and form.changed_data:
            detail = ", ".join(form.changed_data)
            IncidentEvent.objects.create(
                incident=obj, actor=request.user, action=IncidentEvent.Action.CHANGED, detail=detail
            )
        elif not change:
            IncidentEvent.objects.create(
                incident=obj, actor=request.user, action=IncidentEvent.Action.CREATED
            )

    def save_formset(self, request, form, formset, change):
        instances = formset.save(commit=False)
        for instance in instances:
            if isinstance(instance, IncidentUpdate) and instance.author_id is None:
                instance.author = request.user
            instance.save()
            if isinstance(instance, IncidentUpdate):
                IncidentEvent.objects.create(
                    incident=form.instance,
                    actor=request.user,
                    action=IncidentEvent.Action.UPDATE_POSTED,
                    detail=instance.state,
                )
            elif isinstance(instance, AffectedServer):
                IncidentEvent.objects.create(
                    incident=form.instance,
                    actor=request.user,
                    action=IncidentEvent.Action.CHANGED,
                    detail=f"server {instance.hostname}",
                )
        for deleted in formset.deleted_objects:
            IncidentEvent.objects.create(
                incident=form.instance,
                actor=request.user,
                action=IncidentEvent.Action.CHANGED,
                detail=f"removed {deleted}",
            )
            deleted.delete()
        formset.save_m2m()


@admin.register(IncidentTicket)
class IncidentTicketAdmin(admin.ModelAdmin):
    list_display = ["incident", "ticket", "linked_by", "created_at"]
    list_select_related = ["incident", "ticket", "linked_by"]
    raw_id_fields = ["ticket"]
    list_filter = ["incident"]

    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser
