"""Reading settings from the environment, with a registry of every name read.

Each setting is read once, through `env`, which records its name, default and
one-line meaning in `REGISTRY`; tests check every registered name (and every
CALMDESK_* name used anywhere in the code) is documented in
docs/configuration.md.

The typed readers (`env_int`, `env_float`, `env_choice`, `env_checked`, …)
refuse a value Calmdesk cannot use with a `ConfigError` whose message names
the setting and what is allowed; the `calmdesk` command prints it as one line
and exits 1, so a bad setting stops the start-up instead of failing later.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class SettingDoc:
    name: str
    default: str
    help: str


REGISTRY: dict[str, SettingDoc] = {}


class ConfigError(ValueError):
    """A setting has a value Calmdesk cannot use."""


def env(name: str, default: str, help: str) -> str:
    REGISTRY[name] = SettingDoc(name, default, help)
    return os.environ.get(name, default)


def env_bool(name: str, default: bool, help: str) -> bool:
    raw = env(name, "1" if default else "0", help).strip().lower()
    if raw in {"1", "true", "yes", "on"}:
        return True
    if raw in {"0", "false", "no", "off", ""}:
        return False
    raise ConfigError(f"{name}={raw!r} is not a boolean (use 1/0, true/false)")


def _bounds(name: str, raw: str, value: float, minimum: float | None, maximum: float | None):
    if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        low = "" if minimum is None else f"at least {minimum}"
        high = "" if maximum is None else f"at most {maximum}"
        raise ConfigError(
            f"{name}={raw!r} is out of range: use {' and '.join(filter(None, [low, high]))}"
        )
    return value


def env_int(
    name: str,
    default: int,
    help: str,
    *,
    minimum: int | None = None,
    maximum: int | None = None,
) -> int:
    raw = env(name, str(default), help)
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name}={raw!r} is not an integer") from None
    return int(_bounds(name, raw, value, minimum, maximum))


def env_float(
    name: str,
    default: float,
    help: str,
    *,
    minimum: float | None = None,
    maximum: float | None = None,
) -> float:
    raw = env(name, str(default), help)
    try:
        value = float(raw)
    except ValueError:
        raise ConfigError(f"{name}={raw!r} is not a number") from None
    if value != value:  # NaN compares false with every bound
        raise ConfigError(f"{name}={raw!r} is not a number")
    return _bounds(name, raw, value, minimum, maximum)


def env_choice(name: str, default: str, help: str, choices: Sequence[str]) -> str:
    """One of `choices` (case-insensitive), returned as spelled in `choices`."""
    raw = env(name, default, help)
    for choice in choices:
        if raw.strip().casefold() == choice.casefold():
            return choice
    raise ConfigError(f"{name}={raw!r} is not allowed: use one of {', '.join(choices)}")


def env_checked(name: str, default: str, help: str, check: Callable[[str], object]) -> str:
    """The raw value, after `check(value)` accepted it (a ValueError/KeyError is a ConfigError)."""
    raw = env(name, default, help)
    try:
        check(raw)
    except (ValueError, KeyError) as exc:
        reason = exc.args[0] if exc.args else "not usable"
        raise ConfigError(f"{name}={raw!r}: {reason}") from None
    return raw


def env_list(name: str, default: str, help: str) -> list[str]:
    return [item.strip() for item in env(name, default, help).split(",") if item.strip()]


# --- checks of particular settings (called by calmdesk/settings.py) -----------


def data_dir(raw: str) -> Path:
    """CALMDESK_DATA_DIR, created if missing; a ConfigError when this user cannot write it."""
    path = Path(raw).resolve()
    try:
        (path / "static").mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigError(
            f"CALMDESK_DATA_DIR={str(path)!r} cannot be created ({exc.strerror or exc}): "
            "use a directory this user can write"
        ) from None
    if not os.access(path, os.W_OK | os.X_OK):
        raise ConfigError(
            f"CALMDESK_DATA_DIR={str(path)!r} is not writable: use a directory this user can write"
        )
    return path


def check_time_zone(name: str) -> None:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError("not a time zone: use an IANA name such as UTC or Europe/London") from None


def check_phone_region(region: str) -> None:
    import phonenumbers

    if region not in phonenumbers.SUPPORTED_REGIONS:
        raise ValueError("not a phone region: use a two-letter country code such as US or GB")


def check_reputation(
    *,
    negative_max_rating: int,
    sla_hours: str,
    spike_weeks: int,
    spike_min_count: int,
    spike_alpha: float,
) -> None:
    """The reputation settings, as calmdesk.actions.reputation.config will read them."""
    from calmdesk.playbook.reputation import (
        ReputationSettingsError,
        build_settings,
        parse_rating_hours,
    )

    names = {
        "negative_max_rating": "CALMDESK_REPUTATION_NEGATIVE_MAX_RATING",
        "sla_hours_by_rating": "CALMDESK_REPUTATION_SLA_HOURS",
        "spike_weeks": "CALMDESK_REPUTATION_SPIKE_WEEKS",
        "spike_min_count": "CALMDESK_REPUTATION_SPIKE_MIN_COUNT",
        "spike_alpha": "CALMDESK_REPUTATION_SPIKE_ALPHA",
    }
    try:
        sla = parse_rating_hours(sla_hours)
    except ReputationSettingsError as exc:
        raise ConfigError(f"CALMDESK_REPUTATION_SLA_HOURS={sla_hours!r}: {exc}") from None
    try:
        build_settings(
            {
                "negative_max_rating": negative_max_rating,
                "sla_hours_by_rating": sla,
                "spike_weeks": spike_weeks,
                "spike_min_count": spike_min_count,
                "spike_alpha": spike_alpha,
            }
        )
    except ReputationSettingsError as exc:
        message = str(exc)
        for field, name in names.items():
            message = message.replace(f"reputation setting {field}", name)
        raise ConfigError(message) from None
