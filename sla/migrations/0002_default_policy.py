"""The default business calendar (Jakarta, Monday to Friday 08:00-17:00) and targets for
the three departments of the customer guide. Both are edited in the admin."""

from django.db import migrations

# slug: {priority: (first response minutes, resolution minutes, business hours)}
DEFAULT_TARGETS = {
    "technical-support": {
        "high": (30, 8 * 60, False),
        "medium": (2 * 60, 16 * 60, True),
        "low": (8 * 60, 45 * 60, True),
    },
    "billing-payments": {
        "high": (60, 8 * 60, True),
        "medium": (4 * 60, 16 * 60, True),
        "low": (8 * 60, 45 * 60, True),
    },
    "sales-marketing": {
        "high": (2 * 60, 16 * 60, True),
        "medium": (4 * 60, 24 * 60, True),
        "low": (8 * 60, 45 * 60, True),
    },
}


def create_policy(apps, schema_editor):
    BusinessCalendar = apps.get_model("sla", "BusinessCalendar")
    Department = apps.get_model("tickets", "Department")
    Target = apps.get_model("sla", "Target")
    if not BusinessCalendar.objects.exists():
        BusinessCalendar.objects.create()
    for slug, targets in DEFAULT_TARGETS.items():
        department = Department.objects.filter(slug=slug).first()
        if department is None:
            continue
        for priority, (first, resolution, business) in targets.items():
            Target.objects.get_or_create(
                department=department,
                priority=priority,
                defaults={
                    "first_response_minutes": first,
                    "resolution_minutes": resolution,
                    "business_hours": business,
                },
            )


class Migration(migrations.Migration):
    dependencies = [
        ("sla", "0001_initial"),
        ("tickets", "0002_default_departments"),
    ]

    operations = [migrations.RunPython(create_policy, migrations.RunPython.noop)]
