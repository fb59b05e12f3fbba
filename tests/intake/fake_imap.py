"""A tiny IMAP4 server on 127.0.0.1 for the polling tests.

Plain text, one folder (INBOX), just what `calmdesk.intake.imap` and
imaplib use: CAPABILITY, LOGIN, SELECT, UID SEARCH (UNSEEN or UID n:*),
UID FETCH (BODY.PEEK[]), UID STORE +FLAGS (\\Seen), LOGOUT. Every command
line received is recorded in `commands`.
"""

from __future__ import annotations

import re
import socketserver
import threading


class FakeImapServer:
    def __init__(self, messages: dict[int, bytes], *, uidvalidity: int = 7) -> None:
        self.messages = dict(messages)
        self.seen: set[int] = set()
        self.uidvalidity = uidvalidity
        self.username = "desk@shop.test"
        self.password = "s3cret pass"
        self.failing_fetch: set[int] = set()
        self.commands: list[str] = []
        owner = self

        class Handler(socketserver.StreamRequestHandler):
            disable_nagle_algorithm = True

            def handle(self) -> None:
                owner._session(self.rfile, self.wfile)

        socketserver.ThreadingTCPServer.allow_reuse_address = True
        self._server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    def __enter__(self) -> FakeImapServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    # --- protocol ---------------------------------------------------------
    def _session(self, rfile, wfile) -> None:
        def send(*lines: bytes | str) -> None:
            wfile.write(
                b"".join(
                    line if isinstance(line, bytes) else line.encode() + b"\r\n" for line in lines
                )
            )

        send("* OK fake IMAP4rev1 ready")
        selected = False
        while True:
            raw = rfile.readline()
            if not raw:
                return
            line = raw.decode().rstrip("\r\n")
            self.commands.append(line)
            tag, _, rest = line.partition(" ")
            command, _, args = rest.partition(" ")
            command = command.upper()
            if command == "CAPABILITY":
                send("* CAPABILITY IMAP4rev1", f"{tag} OK CAPABILITY completed")
            elif command == "LOGIN":
                user, password = _split_args(args)
                if (user, password) == (self.username, self.password):
                    send(f"{tag} OK LOGIN completed")
                else:
                    send(f"{tag} NO [AUTHENTICATIONFAILED] Invalid credentials")
            elif command == "SELECT":
                if _split_args(args)[0].upper() != "INBOX":
                    send(f"{tag} NO [NONEXISTENT] no such folder")
                    continue
                selected = True
                send(
                    f"* {len(self.messages)} EXISTS",
                    f"* OK [UIDVALIDITY {self.uidvalidity}] UIDs valid",
                    f"{tag} OK [READ-WRITE] SELECT completed",
                )
            elif command == "UID" and selected:
                self._uid(tag, args, send)
            elif command == "LOGOUT":
                send("* BYE logging out", f"{tag} OK LOGOUT completed")
                return
            else:
                send(f"{tag} BAD unknown or out-of-state command")

    def _uid(self, tag: str, args: str, send) -> None:
        sub, _, rest = args.partition(" ")
        sub = sub.upper()
        uids = sorted(self.messages)
        if sub == "SEARCH":
            if rest.upper() == "UNSEEN":
                found = [uid for uid in uids if uid not in self.seen]
            else:
                low = int(re.fullmatch(r"UID (\d+):\*", rest).group(1))
                found = [uid for uid in uids if uid >= low]
                if uids and not found:
                    found = [uids[-1]]  # "n:*" always includes the last message
            send(f"* SEARCH {' '.join(map(str, found))}".rstrip(), f"{tag} OK SEARCH completed")
        elif sub == "FETCH":
            uid_text, _, items = rest.partition(" ")
            uid = int(uid_text)
            assert items == "(BODY.PEEK[])", items
            if uid in self.failing_fetch:
                send(f"{tag} NO fetch failed")
            elif uid in self.messages:
                data = self.messages[uid]
                seq = uids.index(uid) + 1
                head = f"* {seq} FETCH (UID {uid} BODY[] {{{len(data)}}}".encode() + b"\r\n"
                send(head, data, b")\r\n", f"{tag} OK FETCH completed")
            else:
                send(f"{tag} OK FETCH completed")
        elif sub == "STORE":
            uid_text, _, flags = rest.partition(" ")
            assert flags == r"+FLAGS (\Seen)", flags
            uid = int(uid_text)
            self.seen.add(uid)
            seq = uids.index(uid) + 1
            send(f"* {seq} FETCH (UID {uid} FLAGS (\\Seen))", f"{tag} OK STORE completed")
        else:
            send(f"{tag} BAD unknown UID command")


def _split_args(args: str) -> list[str]:
    """IMAP atoms and quoted strings."""
    return [
        quoted.replace('\\"', '"').replace("\\\\", "\\") if quoted or not atom else atom
        for quoted, atom in re.findall(r'"((?:[^"\\]|\\.)*)"|(\S+)', args)
    ]
