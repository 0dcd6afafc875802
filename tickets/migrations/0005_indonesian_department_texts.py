"""The guide's Indonesian names, descriptions and examples of the three departments.

Only empty fields are filled in, so texts that staff already wrote in the admin stay.
"""

from django.db import migrations

INDONESIAN = {
    "technical-support": {
        "name_id": "Dukungan Teknis",
        "description_id": "Gunakan departemen ini untuk semua kendala teknis.",
        "examples_id": "\n".join([
            "Website error",
            "Email tidak berfungsi",
            "Server down",
            "Pertanyaan teknis konfigurasi",
            "Masalah lain terkait layanan yang Anda gunakan",
        ]),
    },
    "billing-payments": {
        "name_id": "Tagihan & Pembayaran",
        "description_id": "Gunakan departemen ini untuk semua pertanyaan terkait keuangan.",
        "examples_id": "\n".join([
            "Konfirmasi pembayaran",
            "Pertanyaan invoice (tagihan)",
            "Masalah perpanjangan (renewal)",
            "Permintaan refund",
            "Kesalahan penagihan",
        ]),
    },
    "sales-marketing": {
        "name_id": "Penjualan & Pemasaran",
        "description_id": (
            "Gunakan departemen ini untuk pertanyaan sebelum melakukan pembelian atau "
            "pertanyaan umum non-teknis."
        ),
        "examples_id": "\n".join([
            "Pertanyaan detail tentang fitur layanan",
            "Permintaan custom quote (penawaran khusus)",
            "Upgrade/downgrade paket",
            "Peluang kemitraan",
        ]),
    },
}


def fill_indonesian_texts(apps, schema_editor):
    Department = apps.get_model("tickets", "Department")
    for department in Department.objects.filter(slug__in=INDONESIAN):
        changed = []
        for field, text in INDONESIAN[department.slug].items():
            if not getattr(department, field).strip():
                setattr(department, field, text)
                changed.append(field)
        if changed:
            department.save(update_fields=changed)


class Migration(migrations.Migration):
    dependencies = [("tickets", "0004_department_indonesian_texts")]

    operations = [migrations.RunPython(fill_indonesian_texts, migrations.RunPython.noop)]
