"""Second-factor helpers of the tests.

- `sessions_pass_second_factor(monkeypatch)`: from then on, `Client.force_login(user)` of a
  user who owes a second factor (staff with STAFF_2FA_REQUIRED, anyone with a factor) also
  marks the session verified with an authenticator app of the user's, exactly what
  django_otp.login() stores. tests/conftest.py applies it to every test not marked
  `real_second_factor`.
- `pass_second_factor(client, user)`: the same for one logged-in client.
- `totp_code(device)`: the code an authenticator app shows now for `device`, or the next
  one when the current one was used already.
"""

import time

from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from twofactor.policy import PENDING, has_factor, required_for

_force_login = Client.force_login


def authenticator_for(user, name="Test authenticator"):
    return TOTPDevice.objects.filter(user=user, confirmed=True).first() or (
        TOTPDevice.objects.create(user=user, name=name, confirmed=True)
    )


def pass_second_factor(client, user):
    """Mark the logged-in session of `client` as having passed `user`'s authenticator app."""
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = authenticator_for(user).persistent_id
    session.pop(PENDING, None)
    session.save()


def _verified_force_login(self, user, backend=None):
    _force_login(self, user, backend)
    if required_for(user) or has_factor(user):
        pass_second_factor(self, user)


def sessions_pass_second_factor(monkeypatch):
    monkeypatch.setattr(Client, "force_login", _verified_force_login)


def totp_code(device, *, wait=True):
    """The current code of `device`; when it was accepted already (each code is taken
    once), the next step's, which the device accepts within its tolerance, waiting for
    the clock when even that one was used."""
    device.refresh_from_db()
    while True:
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        now = totp.t()
        step = max(now, device.last_t + 1)
        if step <= now + device.tolerance:
            totp.time = totp.t0 + (step - device.drift) * device.step
            return f"{totp.token():0{device.digits}d}"
        if not wait:
            raise AssertionError("no unused code in this window")
        time.sleep(1)
