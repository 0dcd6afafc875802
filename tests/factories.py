"""factory-boy factories for the suite. Named users live in tests/conftest.py."""

import io
import uuid

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from accounts.models import User
from services.models import Service
from tickets.models import Department, Message, Ticket

PASSWORD = "correct-horse-battery"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    name = factory.Faker("name")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class StaffFactory(UserFactory):
    is_staff = True

    @factory.post_generation
    def departments(obj, create, extracted, **kwargs):
        if create and extracted:
            for department in extracted:
                department.staff.add(obj)


class ServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Service

    owner = factory.SubFactory(UserFactory)
    kind = Service.Kind.HOSTING
    product_name = "Cloud Hosting Business"
    domain = factory.Sequence(lambda n: f"site{n}.co.id")
    status = Service.Status.ACTIVE


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department

    name = factory.Sequence(lambda n: f"Department {n}")
    slug = factory.Sequence(lambda n: f"department-{n}")
    description = "A queue for tests."
    sender_email = "queue@netdigi.test"


class TicketFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Ticket

    number = factory.Sequence(lambda n: f"{100000 + n}")
    customer = factory.SubFactory(UserFactory)
    department = factory.SubFactory(DepartmentFactory)
    subject = factory.Sequence(lambda n: f"Website site{n}.co.id Error 500")
    status = Ticket.Status.OPEN
    submission_token = factory.LazyFunction(uuid.uuid4)


class MessageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Message

    ticket = factory.SubFactory(TicketFactory)
    author = factory.SelfAttribute("ticket.customer")
    body = "The website shows Error 500 since this morning."


def png_bytes(size=(40, 30), color="red"):
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format="PNG")
    return buffer.getvalue()


def png_upload(name="screenshot.png", **kwargs):
    return SimpleUploadedFile(name, png_bytes(**kwargs), content_type="image/png")


def text_upload(name="error.log", content=b"PHP Fatal error: Allowed memory size exhausted\n"):
    return SimpleUploadedFile(name, content, content_type="text/plain")
