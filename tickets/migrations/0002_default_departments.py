"""The three departments of the customer guide, with its descriptions and examples."""

from django.db import migrations

DEPARTMENTS = [
    {
        "slug": "technical-support",
        "name": "Technical Support",
        "order": 1,
        "sender_email": "support@netdigi.co.id",
        "description": "All technical problems with the services you use.",
        "examples": "\n".join([
            "Website error",
            "Email not working",
            "Server down",
            "Technical configuration questions",
            "Other problems with the services you use",
        ]),
    },
    {
        "slug": "billing-payments",
        "name": "Billing & Payments",
        "order": 2,
        "sender_email": "billing@netdigi.co.id",
        "description": "All financial questions.",
        "examples": "\n".join([
            "Payment confirmation",
            "Invoice questions",
            "Renewal problems",
            "Refund requests",
            "Billing mistakes",
        ]),
    },
    {
        "slug": "sales-marketing",
        "name": "Sales & Marketing",
        "order": 3,
        "sender_email": "sales@netdigi.co.id",
        "description": "Questions before buying and general non-technical questions.",
        "examples": "\n".join([
            "Details of service features",
            "Custom quote requests",
            "Package upgrade or downgrade",
            "Partnership opportunities",
        ]),
    },
]


def create_departments(apps, schema_editor):
    Department = apps.get_model("tickets", "Department")
    for data in DEPARTMENTS:
        Department.objects.update_or_create(slug=data["slug"], defaults=data)


def remove_departments(apps, schema_editor):
    Department = apps.get_model("tickets", "Department")
    Department.objects.filter(
        slug__in=[d["slug"] for d in DEPARTMENTS], tickets__isnull=True
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("tickets", "0001_initial")]

    operations = [migrations.RunPython(create_departments, remove_departments)]
