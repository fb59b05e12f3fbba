"""IMAP polling: fetch new mail from one mailbox and hand each message to `receive`.

`poll(config)` is what a periodic job calls (one mailbox, one call);
`poll_mailbox(...)` is the same with keyword arguments. A poll:

1. logs in and selects the folder;
2. searches UID > since_uid (the high-water mark from the last poll), or
   UNSEEN when there is none yet (or the folder's UIDVALIDITY changed);
3. fetches each message with BODY.PEEK[] (which does not set \\Seen),
   parses it, calls `receive`, and only then sets \\Seen;
4. returns a PollResult with the new high-water UID to store for next time.

A message that cannot be parsed (or that receive rejects as invalid) is
logged and counted and the poll goes on; it is never fetched again. A
message that failed for another reason (say the database was busy) holds
the high-water mark below it, so the next poll tries it again; receive is
idempotent, so messages after it that were stored are not duplicated.
"""

from __future__ import annotations

import contextlib
import dataclasses
import imaplib
import logging
import re
import ssl as ssl_module
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from calmdesk.intake.email import parse_email
from calmdesk.intake.types import Inbound, InboundError

logger = logging.getLogger(__name__)

DEFAULT_LIMIT = 500  # messages per poll; the rest wait for the next one
MAX_REPORTED_ERRORS = 50
_UID_IN_FETCH = re.compile(rb"\bUID (\d+)")


class MailboxError(Exception):
    """The mailbox cannot be polled at all (connection, login, folder)."""


@dataclass
class PollResult:
    """What one poll did. Store `high_water_uid` and `uidvalidity` for the next poll."""

    high_water_uid: int | None
    uidvalidity: int | None = None
    fetched: int = 0
    imported: int = 0  # new messages stored
    duplicates: int = 0  # already stored (receive returned created=False)
    auto_submitted: int = 0  # of the imported: auto-replies, bulk, bounces
    broken: int = 0  # could not be parsed or were rejected; never retried
    failed: int = 0  # other errors; retried on the next poll
    errors: list[str] = field(default_factory=list)

    def _report(self, message: str) -> None:
        if len(self.errors) < MAX_REPORTED_ERRORS:
            self.errors.append(message)


Receive = Callable[[Inbound], Any]
ClientFactory = Callable[..., imaplib.IMAP4]


def poll(
    mailbox_config: Mapping[str, Any],
    *,
    receive: Receive | None = None,
    client_factory: ClientFactory | None = None,
) -> PollResult:
    """Poll one mailbox described by a dict; the entry point for a periodic job.

    Keys: host, username, password (required); port (993 with SSL, else 143);
    ssl or use_ssl (default True); starttls (default False); folder
    ("INBOX"); since_uid or last_uid (the stored high-water mark);
    uidvalidity (stored with it); team (a Team slug for every message);
    limit (messages per poll, default 500); timeout (seconds, default 30).
    Other keys are ignored. Raises MailboxError when the mailbox cannot be
    reached, logged into or selected.
    """
    config = dict(mailbox_config)
    missing = [key for key in ("host", "username", "password") if not config.get(key)]
    if missing:
        raise MailboxError(f"mailbox config is missing {', '.join(missing)}")
    use_ssl = bool(config.get("ssl", config.get("use_ssl", True)))
    since_uid = config.get("since_uid", config.get("last_uid"))
    return poll_mailbox(
        str(config["host"]),
        int(config.get("port") or (993 if use_ssl else 143)),
        str(config["username"]),
        str(config["password"]),
        folder=str(config.get("folder") or "INBOX"),
        ssl=use_ssl,
        since_uid=int(since_uid) if since_uid is not None else None,
        uidvalidity=int(config["uidvalidity"]) if config.get("uidvalidity") else None,
        starttls=bool(config.get("starttls", False)),
        team=str(config.get("team") or ""),
        limit=int(config.get("limit") or DEFAULT_LIMIT),
        timeout=float(config.get("timeout") or 30),
        receive=receive,
        client_factory=client_factory,
    )


def poll_mailbox(
    host: str,
    port: int,
    username: str,
    password: str,
    folder: str = "INBOX",
    ssl: bool = True,
    since_uid: int | None = None,
    *,
    uidvalidity: int | None = None,
    starttls: bool = False,
    team: str = "",
    limit: int = DEFAULT_LIMIT,
    timeout: float = 30,
    receive: Receive | None = None,
    client_factory: ClientFactory | None = None,
) -> PollResult:
    """Fetch new messages from one IMAP folder into `receive`; see the module doc."""
    if receive is None:
        from calmdesk.actions import receive as receive_action

        receive = receive_action
    client = _connect(host, port, ssl, starttls, timeout, client_factory)
    try:
        _login_and_select(client, username, password, folder)
        current_validity = _response_int(client, "UIDVALIDITY")
        if since_uid is not None and uidvalidity and current_validity != uidvalidity:
            logger.warning(
                "IMAP %s/%s: UIDVALIDITY changed (%s -> %s); starting again from unseen mail",
                host, folder, uidvalidity, current_validity,
            )  # fmt: skip
            since_uid = None
        result = PollResult(high_water_uid=since_uid, uidvalidity=current_validity)
        uids = _search(client, since_uid)[: max(1, limit)]
        _process(client, uids, result, receive, team, f"{host}/{folder}")
        return result
    finally:
        _logout(client)


def _connect(
    host: str,
    port: int,
    use_ssl: bool,
    starttls: bool,
    timeout: float,
    factory: ClientFactory | None,
) -> imaplib.IMAP4:
    try:
        if factory is not None:
            client = factory(host, port, timeout=timeout)
        elif use_ssl:
            context = ssl_module.create_default_context()
            client = imaplib.IMAP4_SSL(host, port, ssl_context=context, timeout=timeout)
        else:
            client = imaplib.IMAP4(host, port, timeout=timeout)
        if starttls and not use_ssl:
            client.starttls(ssl_module.create_default_context())
        return client
    except (OSError, imaplib.IMAP4.error) as exc:  # OSError covers timeouts
        raise MailboxError(f"cannot connect to IMAP server {host}:{port}: {exc}") from exc


def _login_and_select(client: imaplib.IMAP4, username: str, password: str, folder: str) -> None:
    try:
        client.login(username, password)
    except (imaplib.IMAP4.error, OSError) as exc:
        raise MailboxError(f"IMAP login failed for {username!r}: {_text(exc)}") from exc
    try:
        typ, data = client.select(_quote(folder))
    except (imaplib.IMAP4.error, OSError) as exc:
        raise MailboxError(f"cannot open IMAP folder {folder!r}: {_text(exc)}") from exc
    if typ != "OK":
        raise MailboxError(f"cannot open IMAP folder {folder!r}: {_text(data)}")


def _search(client: imaplib.IMAP4, since_uid: int | None) -> list[int]:
    criteria = "UNSEEN" if since_uid is None else f"UID {since_uid + 1}:*"
    try:
        typ, data = client.uid("SEARCH", criteria)
    except (imaplib.IMAP4.error, OSError) as exc:
        raise MailboxError(f"IMAP search failed: {_text(exc)}") from exc
    if typ != "OK":
        raise MailboxError(f"IMAP search failed: {_text(data)}")
    uids = sorted({int(token) for chunk in data if chunk for token in chunk.split()})
    # "UID n:*" always matches the last message, even when its UID is below n.
    return [uid for uid in uids if since_uid is None or uid > since_uid]


def _process(
    client: imaplib.IMAP4,
    uids: list[int],
    result: PollResult,
    receive: Receive,
    team: str,
    where: str,
) -> None:
    retry_from: int | None = None  # the first UID that must be tried again
    for uid in uids:
        done = _one(client, uid, result, receive, team, where)
        if not done and retry_from is None:
            retry_from = uid
        if retry_from is None:
            result.high_water_uid = uid


def _one(
    client: imaplib.IMAP4, uid: int, result: PollResult, receive: Receive, team: str, where: str
) -> bool:
    """Take in one message; False when it must be tried again next poll."""
    try:
        raw = _fetch(client, uid)
    except (imaplib.IMAP4.error, OSError, ValueError) as exc:
        result.failed += 1
        result._report(f"UID {uid}: fetch failed: {_text(exc)}")
        logger.warning("IMAP %s UID %s: fetch failed: %s", where, uid, exc)
        return False
    result.fetched += 1
    try:
        inbound = parse_email(raw)
        if team:
            inbound = dataclasses.replace(inbound, team=team)
        outcome = receive(inbound)
    except InboundError as exc:
        result.broken += 1
        result._report(f"UID {uid}: {exc}")
        logger.warning("IMAP %s UID %s: not taken in: %s", where, uid, exc)
        return True
    except Exception as exc:  # a store failure must not stop the other messages
        result.failed += 1
        result._report(f"UID {uid}: {exc.__class__.__name__}: {exc}")
        logger.exception("IMAP %s UID %s: receive failed", where, uid)
        return False
    if getattr(outcome, "created", True):
        result.imported += 1
        result.auto_submitted += int(inbound.auto_submitted)
    else:
        result.duplicates += 1
    try:
        typ, data = client.uid("STORE", str(uid), "+FLAGS", r"(\Seen)")
        if typ != "OK":
            logger.warning("IMAP %s UID %s: could not set \\Seen: %s", where, uid, _text(data))
    except (imaplib.IMAP4.error, OSError) as exc:
        logger.warning("IMAP %s UID %s: could not set \\Seen: %s", where, uid, exc)
    return True


def _fetch(client: imaplib.IMAP4, uid: int) -> bytes:
    typ, data = client.uid("FETCH", str(uid), "(BODY.PEEK[])")
    if typ != "OK":
        raise ValueError(_text(data))
    for item in data:
        if isinstance(item, tuple) and len(item) >= 2 and isinstance(item[1], bytes):
            match = _UID_IN_FETCH.search(item[0])
            if match is None or int(match.group(1)) == uid:
                return item[1]
    raise ValueError("the server returned no message (deleted meanwhile?)")


def _response_int(client: imaplib.IMAP4, code: str) -> int | None:
    try:
        _typ, data = client.response(code)
    except (imaplib.IMAP4.error, AttributeError):
        return None
    for item in data or []:
        if item and str(_text(item)).strip().isdigit():
            return int(_text(item).strip())
    return None


def _logout(client: imaplib.IMAP4) -> None:
    with contextlib.suppress(imaplib.IMAP4.error, OSError):
        client.logout()


def _quote(folder: str) -> str:
    if folder.startswith('"') or not re.search(r'[\s"\\()]', folder):
        return folder
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _text(value: Any) -> str:
    if isinstance(value, list | tuple):
        return " ".join(_text(item) for item in value if item is not None)
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    return str(value)
