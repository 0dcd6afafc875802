from django.contrib import admin

from .models import BusinessCalendar, ExtraHoliday, Rating, Target


@admin.register(BusinessCalendar)
class BusinessCalendarAdmin(admin.ModelAdmin):
    list_display = ["name", "timezone", "opens_at", "closes_at", "workdays", "national_holidays"]


@admin.register(ExtraHoliday)
class ExtraHolidayAdmin(admin.ModelAdmin):
    list_display = ["date", "name"]
    date_hierarchy = "date"


@admin.register(Target)
class TargetAdmin(admin.ModelAdmin):
    list_display = [
        "department",
        "priority",
        "first_response_minutes",
        "resolution_minutes",
        "business_hours",
    ]
    list_filter = ["department", "priority", "business_hours"]
    list_select_related = ["department"]


@admin.register(Rating)
class RatingAdmin(admin.ModelAdmin):
    list_display = ["ticket", "score", "department", "assignee", "created_at", "updated_at"]
    list_filter = ["score", "department"]
    list_select_related = ["ticket", "department", "assignee"]
    raw_id_fields = ["ticket", "customer", "assignee"]
    readonly_fields = ["replied_by"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        # Ratings come from customers only.
        return False
