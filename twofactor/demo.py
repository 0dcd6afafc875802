"""The demo's second factor: the staff of `seed_demo` share one authenticator secret,
printed with the demo logins, so a tester can add it to an app or compute codes with
any TOTP tool (e.g. `oathtool --totp -b NETDIGIDEMOTOTPSECRET234`)."""

from base64 import b32decode

DEMO_TOTP_SECRET = "NETDIGIDEMOTOTPSECRET234"  # noqa: S105 (documented demo secret)
DEMO_DEVICE_NAME = "Demo authenticator"


def demo_code() -> str:
    """The demo authenticator's current code, for the scripted logins of the benchmarks."""
    from django_otp.oath import totp

    return f"{totp(b32decode(DEMO_TOTP_SECRET)):06d}"


def enrol_demo_authenticator(user):
    """Give `user` the demo authenticator app (kept as it is when already there)."""
    # Imported here: the secret above is read by tools that run without Django set up
    # (the soak's Locust users).
    from django_otp.plugins.otp_totp.models import TOTPDevice

    key = b32decode(DEMO_TOTP_SECRET).hex()
    device, created = TOTPDevice.objects.get_or_create(
        user=user, name=DEMO_DEVICE_NAME, defaults={"key": key, "confirmed": True}
    )
    if not created and (device.key != key or not device.confirmed):
        device.key = key
        device.confirmed = True
        device.save(update_fields=["key", "confirmed"])
    return device
