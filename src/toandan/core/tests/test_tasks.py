"""Background tasks: in-process by default, through a real Redis queue in production."""

from __future__ import annotations

import email
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from email.header import decode_header, make_header
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import transaction
from huey import RedisHuey

from toandan.core.tasks import HUEY, send_email_on_commit, send_email_task


def _wait_for(condition: Callable[[], bool], *, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout}s waiting for {what}")
        time.sleep(0.05)


# --- In-process (the `make run` default) ---------------------------------------------------


def test_default_queue_runs_tasks_in_process():
    assert HUEY.immediate is True


def test_email_task_sends_at_once_in_immediate_mode(mailoutbox):
    send_email_task("Tin báo đã được tiếp nhận", "Cảm ơn bạn.", ["nguoidan@example.vn"])

    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.subject == "Tin báo đã được tiếp nhận"
    assert message.body == "Cảm ơn bạn."
    assert message.to == ["nguoidan@example.vn"]
    assert message.from_email == "toandan <no-reply@toandan.local>"


@pytest.mark.django_db
def test_email_on_commit_waits_for_the_commit(mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        send_email_on_commit(subject="Nhắc hạn", body="Còn 2 ngày.", to=["canbo@example.vn"])
        assert mailoutbox == []

    assert len(callbacks) == 1
    assert [m.subject for m in mailoutbox] == ["Nhắc hạn"]


@pytest.mark.django_db
def test_email_is_not_sent_when_the_transaction_rolls_back(
    mailoutbox, django_capture_on_commit_callbacks
):
    def queue_then_fail() -> None:
        with transaction.atomic():
            send_email_on_commit(subject="Nhắc hạn", body="...", to=["canbo@example.vn"])
            raise RuntimeError

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
    ):
        queue_then_fail()

    assert callbacks == []
    assert mailoutbox == []


def test_worker_refuses_to_start_without_a_queue():
    with pytest.raises(CommandError, match="TOANDAN_TASK_QUEUE"):
        call_command("worker")


# --- A real Redis queue (production) --------------------------------------------------------


@pytest.fixture
def redis_huey(redis_url: str) -> Iterator[Any]:
    """A RedisHuey with a queue of its own, so parallel runs never consume each other's tasks."""
    huey = RedisHuey(f"toandan-test-{uuid.uuid4().hex[:12]}", url=redis_url)
    yield huey
    huey.storage.flush_all()
    huey.storage.pool.disconnect()


@pytest.mark.redis
def test_redis_queue_holds_the_email_until_a_consumer_sends_it(redis_huey, mailoutbox, monkeypatch):
    queued_email = redis_huey.task()(send_email_task)

    queued_email("Tin báo mới", "Có 1 tin báo mới tại xã.", ["congan@example.vn"])

    # Stored in Redis, not sent: the web request returned at once.
    assert redis_huey.pending_count() == 1
    assert redis_huey.storage.conn.llen(redis_huey.storage.queue_key) == 1
    assert mailoutbox == []

    consumer = redis_huey.create_consumer(
        workers=1, periodic=False, initial_delay=0.05, max_delay=0.2, check_worker_health=False
    )
    # Signal handlers belong to pytest here, not to the consumer.
    monkeypatch.setattr(consumer, "_set_signal_handlers", lambda: None)
    consumer.start()
    try:
        _wait_for(lambda: len(mailoutbox) == 1, timeout=15, what="the consumer to send the email")
    finally:
        consumer.stop(graceful=True)

    assert redis_huey.pending_count() == 0
    assert mailoutbox[0].subject == "Tin báo mới"
    assert mailoutbox[0].to == ["congan@example.vn"]


@pytest.mark.redis
def test_redis_queue_returns_a_result_once_dequeued_and_executed(redis_huey):
    @redis_huey.task()
    def count_tips(a: int, b: int) -> int:
        return a + b

    result = count_tips(4700, 1)
    assert redis_huey.pending_count() == 1
    assert result.get() is None  # not run yet

    queued = redis_huey.dequeue()
    assert redis_huey.pending_count() == 0
    redis_huey.execute(queued)

    assert result.get(blocking=True, timeout=5) == 4701


@pytest.mark.redis
def test_redis_queue_keeps_a_delayed_task_in_the_schedule(redis_huey):
    @redis_huey.task()
    def remind() -> None:
        return None

    remind.schedule(delay=3600)

    assert redis_huey.pending_count() == 1
    # The consumer moves it from the queue to the schedule because it is not due yet.
    redis_huey.execute(redis_huey.dequeue())
    assert redis_huey.pending_count() == 0
    assert redis_huey.scheduled_count() == 1


@pytest.mark.redis
def test_worker_command_sends_queued_email(redis_url, tmp_path):
    """`toandan worker` in its own process consumes what a web server enqueued."""
    producer = RedisHuey("toandan", url=redis_url)
    producer.storage.flush_all()
    queued_email = producer.task()(send_email_task)
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "TOANDAN_EMAIL_BACKEND"}
    }
    env.update(
        TOANDAN_TASK_QUEUE=redis_url,
        TOANDAN_VAR_DIR=str(tmp_path),
        TOANDAN_WORKERS="1",
        TOANDAN_SITE_URL="https://toandan.example.vn",
        DJANGO_SETTINGS_MODULE="toandan.settings",
    )
    # A new installation: the worker refuses to start without a database and a keyring.
    for command in (["migrate", "--verbosity", "0"], ["keys", "init"]):
        subprocess.run(  # noqa: S603 (our own command, fixed arguments)
            [sys.executable, "-m", "toandan.cli", *command], env=env, check=True, timeout=300
        )
    worker = subprocess.Popen(
        [sys.executable, "-m", "toandan.cli", "worker"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    mail_dir = Path(tmp_path) / "mail"
    try:
        queued_email("Worker test", "Gửi từ hàng đợi Redis.", ["lanhdao@example.vn"])
        _wait_for(
            lambda: (mail_dir.exists() and any(mail_dir.iterdir())) or worker.poll() is not None,
            timeout=30,
            what="`toandan worker` to write the email",
        )
        assert worker.poll() is None, "the worker exited early"
    finally:
        worker.send_signal(signal.SIGINT)
        try:
            output, _ = worker.communicate(timeout=15)
        except subprocess.TimeoutExpired:
            worker.kill()
            output, _ = worker.communicate()
        producer.storage.flush_all()
        producer.storage.pool.disconnect()

    files = list(mail_dir.iterdir())
    assert len(files) == 1, output
    message = email.message_from_bytes(files[0].read_bytes())
    assert str(make_header(decode_header(message["Subject"]))) == "Worker test"
    assert message["To"] == "lanhdao@example.vn"
    payload = message.get_payload(decode=True)
    assert isinstance(payload, bytes)
    # The file backend separates messages with a line of dashes after the body.
    assert payload.decode("utf-8").startswith("Gửi từ hàng đợi Redis.\n")
    assert "consuming queue 'toandan'" in output
    assert mail.outbox == []  # sent by the worker process, not by this one
