"""The <ticket:number> URL converter of the customer and staff URLs, registered once."""

from django.urls import register_converter


class TicketNumberConverter:
    regex = "[0-9]{6,12}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value) -> str:
        return str(value)


register_converter(TicketNumberConverter, "ticket")
