"""The demo knowledgebase of `manage.py seed_demo`: articles in English and Bahasa
Indonesia that answer the demo tickets (Error 500 on WordPress, mail not arriving, a bank
transfer to confirm, DNS to point, ...). Safe to run again: existing slugs are kept."""

from .models import Article, Category

CATEGORIES = [
    ("websites", "Websites & WordPress", "Website & WordPress",
     "Errors, speed and WordPress on your hosting.",
     "Error, kecepatan, dan WordPress di hosting Anda."),
    ("email", "Email", "Email",
     "Sending and receiving mail with your domain.",
     "Mengirim dan menerima email dengan domain Anda."),
    ("billing", "Billing & Payments", "Tagihan & Pembayaran",
     "Invoices, bank transfers and refunds.",
     "Tagihan, transfer bank, dan pengembalian dana."),
    ("domains", "Domains & DNS", "Domain & DNS",
     "Registering domains and pointing them where they belong.",
     "Mendaftarkan domain dan mengarahkannya ke tempat yang tepat."),
    ("plans", "Plans & upgrades", "Paket & upgrade",
     "Choosing and changing your plan.",
     "Memilih dan mengganti paket Anda."),
]  # fmt: skip

ARTICLES = [
    {
        "slug": "wordpress-error-500-internal-server-error",
        "category": "websites",
        "title": 'Fix "Error 500 Internal Server Error" on a WordPress site',
        "title_id": 'Mengatasi "Error 500 Internal Server Error" di situs WordPress',
        "body": """An **Error 500 Internal Server Error** means PHP stopped while building
the page. On WordPress it is almost always a plugin or theme update, or a broken
`.htaccess` file.

## What to check, in order

1. **The last plugin you updated.** In the File Manager, rename
   `wp-content/plugins/PLUGIN-NAME` to `PLUGIN-NAME.off`, then reload the site.
2. **All plugins at once.** Rename `wp-content/plugins` to `plugins.off`. If the site
   comes back, rename it back and turn the plugins on one by one.
3. **The .htaccess file.** Rename `.htaccess` to `.htaccess.off`, then save the
   permalinks again in *Settings > Permalinks*.
4. **The PHP error log.** *cPanel > Errors* shows the exact line that failed.

Still a 500? Open a ticket with the domain and the time the error started: we read the
server logs for you.""",
        "body_id": """**Error 500 Internal Server Error** berarti PHP berhenti saat membuat
halaman. Di WordPress penyebabnya hampir selalu pembaruan plugin atau tema, atau file
`.htaccess` yang rusak.

## Yang perlu diperiksa, berurutan

1. **Plugin yang terakhir diperbarui.** Di File Manager, ganti nama
   `wp-content/plugins/NAMA-PLUGIN` menjadi `NAMA-PLUGIN.off`, lalu muat ulang situs.
2. **Semua plugin sekaligus.** Ganti nama `wp-content/plugins` menjadi `plugins.off`.
   Jika situs kembali normal, kembalikan namanya dan aktifkan plugin satu per satu.
3. **File .htaccess.** Ganti nama `.htaccess` menjadi `.htaccess.off`, lalu simpan ulang
   permalink di *Settings > Permalinks*.
4. **Log error PHP.** *cPanel > Errors* menunjukkan baris yang gagal.

Masih error 500? Buka tiket dengan nama domain dan jam error mulai muncul: kami akan
membaca log server untuk Anda.""",
    },
    {
        "slug": "email-not-receiving-mx-records",
        "category": "email",
        "title": "Email cannot receive mail: check the MX records",
        "title_id": "Email tidak bisa menerima pesan: periksa MX record",
        "body": """When nobody can send you mail, the domain's **MX records** usually point
somewhere else (after a move of the DNS, or to an old provider).

## Check

* Look up the MX records of your domain, for example with `dig MX example.com`.
* For mail hosted with us they must point to `mail.your-domain` with priority 0.
* Remove MX records of providers you no longer use.

Changes reach everyone within a few hours. If senders get a bounce such as
`552 5.2.2 Mailbox full`, the MX records are right and the mailbox is full instead.""",
        "body_id": """Jika tidak ada yang bisa mengirim email kepada Anda, biasanya **MX
record** domain mengarah ke tempat lain (setelah DNS dipindahkan, atau ke penyedia lama).

## Periksa

* Cek MX record domain Anda, misalnya dengan `dig MX example.com`.
* Untuk email yang di-hosting di kami, MX harus mengarah ke `mail.domain-anda` dengan
  prioritas 0.
* Hapus MX record penyedia yang tidak lagi Anda gunakan.

Perubahan berlaku untuk semua orang dalam beberapa jam. Jika pengirim menerima pesan
gagal seperti `552 5.2.2 Mailbox full`, MX record sudah benar dan kotak suratnya penuh.""",
    },
    {
        "slug": "mailbox-full-552",
        "category": "email",
        "title": "Mailbox full (552 5.2.2): free up space",
        "title_id": "Kotak surat penuh (552 5.2.2): kosongkan ruang",
        "body": """A bounce that says `552 5.2.2 Mailbox full` means the mailbox reached its
quota and refuses new mail.

* Empty *Trash* and *Spam* in webmail.
* Delete or download large old attachments.
* Or raise the quota in *cPanel > Email Accounts > Manage*.""",
        "body_id": """Pesan gagal `552 5.2.2 Mailbox full` berarti kotak surat sudah mencapai
kuotanya dan menolak email baru.

* Kosongkan *Trash* dan *Spam* di webmail.
* Hapus atau unduh lampiran besar yang lama.
* Atau naikkan kuota di *cPanel > Email Accounts > Manage*.""",
    },
    {
        "slug": "confirm-bank-transfer-payment",
        "category": "billing",
        "title": "Confirm a bank-transfer payment (bukti transfer)",
        "title_id": "Konfirmasi pembayaran transfer bank (bukti transfer)",
        "body": """Paid an invoice by bank transfer? Confirm the payment so we can match it
quickly:

1. Open a ticket in **Billing & Payments** with the invoice number (for example
   INV-3107) in the subject.
2. Attach the proof of transfer (*bukti transfer*): a screenshot or PDF from your bank
   showing the amount, the date and our account.
3. Transfers are matched within one working day; the invoice then shows *Paid*.

Pay the exact amount of the invoice: a different amount takes longer to match.""",
        "body_id": """Sudah membayar tagihan lewat transfer bank? Konfirmasikan pembayaran
agar kami bisa mencocokkannya dengan cepat:

1. Buka tiket di **Tagihan & Pembayaran** dengan nomor invoice (misalnya INV-3107) di
   subjek.
2. Lampirkan bukti transfer: tangkapan layar atau PDF dari bank yang menunjukkan jumlah,
   tanggal, dan rekening kami.
3. Transfer dicocokkan dalam satu hari kerja; setelah itu invoice berstatus *Paid*.

Bayar sesuai jumlah tagihan: jumlah yang berbeda membutuhkan waktu lebih lama untuk
dicocokkan.""",
    },
    {
        "slug": "invoice-paid-twice-refund",
        "category": "billing",
        "audience": Article.Audience.CUSTOMERS,
        "title": "Paid an invoice twice? How the refund works",
        "title_id": "Membayar tagihan dua kali? Begini pengembalian dananya",
        "body": """If an invoice was paid twice, the second payment is refunded to the same
bank account within 5 working days, or kept as credit for your next invoice if you
prefer. Tell us which in a ticket to **Billing & Payments** with the invoice number.""",
        "body_id": """Jika sebuah tagihan terbayar dua kali, pembayaran kedua dikembalikan ke
rekening yang sama dalam 5 hari kerja, atau disimpan sebagai kredit untuk tagihan
berikutnya jika Anda mau. Beri tahu pilihan Anda lewat tiket ke **Tagihan & Pembayaran**
dengan nomor invoice.""",
    },
    {
        "slug": "point-domain-dns-to-hosting",
        "category": "domains",
        "title": "Point a domain's DNS to your hosting",
        "title_id": "Mengarahkan DNS domain ke hosting Anda",
        "body": """To show your website on your domain, point the domain's DNS to our
servers. Either:

* **Nameservers** (simplest): set `ns1.netdigi.co.id` and `ns2.netdigi.co.id` at your
  registrar; we then manage every record for you.
* **A record**: keep your DNS where it is and add an **A record** for `@` and `www` with
  the IP address of your hosting (see *Services > your plan*).

DNS changes take up to 24 hours to reach everyone (propagation).""",
        "body_id": """Agar website tampil di domain Anda, arahkan DNS domain ke server kami.
Pilih salah satu:

* **Nameserver** (paling mudah): pasang `ns1.netdigi.co.id` dan `ns2.netdigi.co.id` di
  registrar Anda; kami yang mengelola semua record.
* **A record**: biarkan DNS di tempatnya dan tambahkan **A record** untuk `@` dan `www`
  dengan alamat IP hosting Anda (lihat *Layanan > paket Anda*).

Perubahan DNS membutuhkan hingga 24 jam untuk berlaku di mana-mana (propagasi).""",
    },
    {
        "slug": "website-slow-after-migration",
        "category": "websites",
        "title": "Website slow after a migration",
        "title_id": "Website lambat setelah migrasi",
        "body": """A site that is slow right after moving servers usually misses its cache.

* Turn the caching plugin (for example LiteSpeed Cache) off and on again to rebuild it.
* Check that the DNS already points to the new server everywhere.
* Choose PHP 8.2 or newer in *cPanel > Select PHP Version*.""",
        "body_id": """Situs yang lambat tepat setelah pindah server biasanya kehilangan
cache-nya.

* Matikan lalu nyalakan lagi plugin cache (misalnya LiteSpeed Cache) untuk membangunnya
  ulang.
* Pastikan DNS sudah mengarah ke server baru di mana-mana.
* Pilih PHP 8.2 atau lebih baru di *cPanel > Select PHP Version*.""",
    },
    {
        "slug": "upgrade-hosting-to-vps",
        "category": "plans",
        "title": "Upgrade from shared hosting to a VPS",
        "title_id": "Upgrade dari shared hosting ke VPS",
        "body": """When your shop outgrows shared hosting, a VPS gives it its own CPU and
memory. Ask **Sales & Marketing** for a quote with the RAM you need; we move the site
for free and the old plan's remaining days are credited.""",
        "body_id": """Jika toko Anda sudah terlalu besar untuk shared hosting, VPS memberinya
CPU dan memori sendiri. Minta penawaran ke **Penjualan & Pemasaran** dengan jumlah RAM
yang Anda butuhkan; kami memindahkan situs secara gratis dan sisa masa paket lama
dikreditkan.""",
    },
    {
        "slug": "ssl-certificate-https",
        "category": "websites",
        "title": "Turn on HTTPS with a free SSL certificate",
        "title_id": "Mengaktifkan HTTPS dengan sertifikat SSL gratis",
        "body": """Every hosting plan includes a free SSL certificate. In *cPanel > SSL/TLS
Status* press **Run AutoSSL**; once the domain points to us, the certificate is issued
within minutes. Then turn on *Force HTTPS Redirect* in *cPanel > Domains*.""",
        "body_id": """Setiap paket hosting sudah termasuk sertifikat SSL gratis. Di *cPanel >
SSL/TLS Status* tekan **Run AutoSSL**; setelah domain mengarah ke kami, sertifikat terbit
dalam beberapa menit. Lalu aktifkan *Force HTTPS Redirect* di *cPanel > Domains*.""",
    },
    {
        "slug": "new-control-panel-preview",
        "category": "plans",
        "status": Article.Status.DRAFT,
        "title": "The new control panel (draft)",
        "title_id": "Panel kontrol baru (draf)",
        "body": "Not announced yet: the new control panel arrives next quarter.",
        "body_id": "Belum diumumkan: panel kontrol baru hadir kuartal depan.",
    },
]


def seed_articles():
    """Create the demo categories and articles that do not exist yet."""
    categories = {}
    for order, (slug, name, name_id, description, description_id) in enumerate(CATEGORIES):
        categories[slug], _created = Category.objects.get_or_create(
            slug=slug,
            defaults={
                "name": name,
                "name_id": name_id,
                "description": description,
                "description_id": description_id,
                "order": order,
            },
        )
    for order, data in enumerate(ARTICLES):
        values = {**data, "category": categories[data["category"]], "order": order}
        values.setdefault("status", Article.Status.PUBLISHED)
        slug = values.pop("slug")
        Article.objects.get_or_create(slug=slug, defaults=values)
