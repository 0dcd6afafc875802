"""A password reset asked for while Redis is down: the page answers as usual, the email
waits in the outbox, and arrives once Redis is back, once, with a link that works."""

import re

import pytest

from .stack import CUSTOMER, Browser

pytestmark = pytest.mark.integration


def _reset_rows(stack):
    return stack.database.query(
        """SELECT n.id, n.state FROM notifications_notification n
           JOIN accounts_user u ON u.id = n.recipient_id
           WHERE n.event = 'password_reset' AND u.email = %s ORDER BY n.id""",
        [CUSTOMER],
    )


def test_a_reset_asked_while_redis_is_down_arrives_once_it_is_back(stack, sink):
    visitor = Browser(stack.base_url)
    _, _, page = visitor.get("/accounts/password-reset/")
    before = len(_reset_rows(stack))
    stack.redis.stop()
    try:
        status, url, _ = visitor.post(
            "/accounts/password-reset/",
            {
                "csrfmiddlewaretoken": visitor.hidden(page, "csrfmiddlewaretoken"),
                "email": CUSTOMER,
            },
        )
        assert status == 200 and url.endswith("/accounts/password-reset/sent/")
        rows = _reset_rows(stack)
        assert len(rows) == before + 1
        assert rows[-1][1] == "pending"
        assert [m for m in sink.received() if "password" in m["Subject"].lower()] == []
    finally:
        stack.redis.start()

    row_id = rows[-1][0]
    stack.wait(
        lambda: dict(_reset_rows(stack)).get(row_id) == "sent",
        "the reset email to be sent after Redis is back",
    )
    subject = "Reset your Netdigi Member Area password"
    mails = [m for m in sink.received() if m["Subject"] == subject]
    assert len(mails) == 1 and mails[0]["To"] == CUSTOMER
    body = mails[0].get_body(preferencelist=("plain",)).get_content()
    link = re.search(r"https?://\S+(/accounts/password-reset/\S+/\S+/)", body).group(1)
    status, url, page = visitor.get(link)
    assert status == 200 and "new_password1" in page
