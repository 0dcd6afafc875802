"""The Celery configuration that the no-loss guarantees rely on."""

from django.conf import settings

from netdigi.celery import app
from notifications.tasks import redispatch_pending, send_notifications


def test_task_messages_are_json_only():
    assert app.conf.accept_content == ["json"]
    assert app.conf.task_serializer == "json"


def test_a_message_is_acknowledged_after_its_task_and_requeued_when_the_worker_dies():
    assert app.conf.task_acks_late is True
    assert send_notifications.acks_late is True
    assert app.conf.task_reject_on_worker_lost is True
    assert app.conf.worker_prefetch_multiplier == 1


def test_tasks_have_time_limits_longer_than_an_smtp_exchange():
    assert app.conf.task_soft_time_limit < app.conf.task_time_limit
    # connect, EHLO, MAIL, RCPT, DATA and the message each wait at most EMAIL_TIMEOUT.
    assert app.conf.task_soft_time_limit > 6 * settings.EMAIL_TIMEOUT


def test_notifications_go_to_their_own_queue():
    for task in (send_notifications, redispatch_pending):
        route = app.amqp.router.route({}, task.name, args=(1,), kwargs={})
        assert route["queue"].name == "notifications"


def test_a_retry_waiting_for_its_time_is_never_handed_to_a_second_worker():
    visibility = app.conf.broker_transport_options["visibility_timeout"]
    assert visibility > settings.NOTIFICATION_RETRY_BACKOFF_MAX


def test_publishing_never_retries():
    assert app.conf.task_publish_retry is False
    assert app.conf.broker_transport_options["max_retries"] == 0
