"""The demo's network status (seed_demo): one open incident and one planned maintenance."""

from datetime import timedelta

from django.utils import timezone

from . import actions
from .models import Incident

INCIDENT_TITLE = "Email delivery delays on server sg-web-03"
MAINTENANCE_TITLE = "Planned maintenance of server sg-db-02"


def seed_incidents(staff):
    """Create them unless they exist (by title)."""
    now = timezone.now()
    if not Incident.objects.filter(title=INCIDENT_TITLE).exists():
        actions.create_incident(
            by=staff,
            kind=Incident.Kind.INCIDENT,
            title=INCIDENT_TITLE,
            title_id="Keterlambatan pengiriman email di server sg-web-03",
            description=(
                "Outgoing and incoming email of the sites hosted on sg-web-03 is delayed."
            ),
            description_id=(
                "Email keluar dan masuk dari situs yang di-hosting di sg-web-03 mengalami "
                "keterlambatan."
            ),
            impact=Incident.Impact.MAJOR,
            state=Incident.State.IDENTIFIED,
            starts_at=now - timedelta(minutes=50),
            servers=["sg-web-03"],
            message=(
                "The mail queue of sg-web-03 is stuck behind a full disk. We are freeing "
                "space; delayed messages will be delivered, none is lost."
            ),
            message_id=(
                "Antrean email sg-web-03 tertahan karena disk penuh. Kami sedang "
                "mengosongkan ruang; email yang tertunda akan terkirim, tidak ada yang hilang."
            ),
        )
    if not Incident.objects.filter(title=MAINTENANCE_TITLE).exists():
        start = (now + timedelta(days=7)).replace(hour=22, minute=0, second=0, microsecond=0)
        actions.create_incident(
            by=staff,
            kind=Incident.Kind.MAINTENANCE,
            title=MAINTENANCE_TITLE,
            title_id="Pemeliharaan terjadwal server sg-db-02",
            description="Database server sg-db-02 gets new disks; databases are read-only.",
            description_id=(
                "Server database sg-db-02 mendapat disk baru; database hanya dapat dibaca."
            ),
            impact=Incident.Impact.MINOR,
            starts_at=start,
            ends_at=start + timedelta(hours=2),
            servers=["sg-db-02"],
            message="Planned: new disks for sg-db-02. Databases stay readable.",
            message_id="Terjadwal: disk baru untuk sg-db-02. Database tetap dapat dibaca.",
        )
