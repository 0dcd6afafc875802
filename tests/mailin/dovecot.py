"""A real Dovecot IMAP server for the tests: started on a free port with a configuration
of its own in a temporary directory (never the system service), one mailbox per user, any
user's password "secret"."""

import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest

PASSWORD = "secret"


def _in_ci():
    return os.environ.get("CI", "").strip().lower() in {"true", "1", "yes"}


def dovecot_binary():
    found = shutil.which("dovecot") or (
        "/usr/sbin/dovecot" if Path("/usr/sbin/dovecot").exists() else None
    )
    if found:
        return found
    message = "Dovecot is needed for the IMAP tests (apt-get install dovecot-imapd)."
    if _in_ci():
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Dovecot:
    def __init__(self, directory):
        self.directory = Path(directory)
        self.port = _free_port()
        self.process = None

    def _config(self):
        mail = self.directory / "mail"
        mail.mkdir()
        # Dovecot refuses to hand mail to uid 0: as root the mail belongs to "nobody".
        uid, gid = (65534, 65534) if os.getuid() == 0 else (os.getuid(), os.getgid())
        os.chown(mail, uid, gid) if os.getuid() == 0 else None
        self.directory.chmod(0o755)
        config = self.directory / "dovecot.conf"
        config.write_text(
            f"""
base_dir = {self.directory}/run
state_dir = {self.directory}/state
log_path = {self.directory}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:{mail}/%u
first_valid_uid = 0
passdb {{
  driver = static
  args = password={PASSWORD}
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={mail}/%u
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    port = {self.port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service anvil {{
  chroot =
}}
"""
        )
        return config

    def start(self):
        config = self._config()
        self.process = subprocess.Popen(
            [dovecot_binary(), "-F", "-c", str(config)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"Dovecot did not start: {self.process.stderr.read()!r}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return self
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("Dovecot did not listen in time")

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()

    def url(self, user="support", folder="INBOX"):
        return f"imap://{user}:{PASSWORD}@127.0.0.1:{self.port}/{folder}"
