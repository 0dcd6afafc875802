"""Recovery codes are kept as digests keyed by SECRET_KEY: after a rotation they still
work while the old key is in SECRET_KEY_FALLBACKS, and stop working without it."""

import pytest

from twofactor.models import RecoveryCodeDevice

pytestmark = pytest.mark.django_db


def test_codes_survive_a_rotation_with_the_old_key_as_fallback(alice, settings):
    settings.SECRET_KEY = "first-key-" + "x" * 40
    codes = RecoveryCodeDevice.objects.create(user=alice, name="Recovery codes").regenerate()
    settings.SECRET_KEY = "second-key-" + "y" * 40
    settings.SECRET_KEY_FALLBACKS = ["first-key-" + "x" * 40]
    device = RecoveryCodeDevice.objects.get(user=alice)
    assert device.verify_token(codes[0]) is True
    settings.SECRET_KEY_FALLBACKS = []
    assert device.verify_token(codes[1]) is False
