"""Reading settings from the environment, with a registry of every name read.

Each setting is read once, through `env`, which records its name, default and
one-line meaning in `REGISTRY`; tests check every registered name (and every
CALMDESK_* name used anywhere in the code) is documented in
docs/configuration.md.
"""

from __future__ import annotations

import os
from dataclasses import dataclass


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


def env_int(name: str, default: int, help: str) -> int:
    raw = env(name, str(default), help)
    try:
        return int(raw)
    except ValueError:
        raise ConfigError(f"{name}={raw!r} is not an integer") from None


def env_list(name: str, default: str, help: str) -> list[str]:
    return [item.strip() for item in env(name, default, help).split(",") if item.strip()]
