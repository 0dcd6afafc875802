"""A local SMTP server that keeps every mail it gets, for `make prod-local` (never production).

    python deploy/mailsink.py --port 8025 --dir /tmp/netdigi-prod-local/mail

Prints one line per mail (recipients, subject, Message-ID) and saves it as an .eml file.
Needs aiosmtpd (requirements-dev.txt).
"""

import argparse
import time
from email import message_from_bytes, policy
from pathlib import Path

from aiosmtpd.controller import Controller


class KeepEverything:
    def __init__(self, folder):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.count = len(list(self.folder.glob("*.eml")))

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        path = self.folder / f"{self.count:05d}.eml"
        path.write_bytes(envelope.original_content)
        message = message_from_bytes(envelope.original_content, policy=policy.default)
        print(
            f"[mailsink] to {', '.join(envelope.rcpt_tos)} | {message['Subject']} | "
            f"{message['Message-ID']} | {path}",
            flush=True,
        )
        return "250 2.0.0 OK: kept"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8025)
    parser.add_argument("--dir", required=True, help="folder that keeps the .eml files")
    args = parser.parse_args()
    controller = Controller(KeepEverything(args.dir), hostname=args.host, port=args.port)
    controller.start()
    print(f"[mailsink] listening on {args.host}:{args.port}, mails kept in {args.dir}", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
