"""The pytest plugin's options, parsed and checked (standard library only: imported by every
pytest run in an environment where revokit is installed)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from .registry import family_names

CONTRACT_PROFILE = "contract"


class SettingsError(ValueError):
    """An option value the plugin cannot use (turned into a pytest usage error)."""


@dataclass(frozen=True)
class Settings:
    """The plugin's options, resolved once per session (command line over ini over defaults)."""

    families: tuple[str, ...] = field(default_factory=family_names)
    profile: str = CONTRACT_PROFILE
    families_from: str = "default"
    profile_from: str = "default"
    base_urls: Mapping[str, str] = field(default_factory=dict)  # family, or "*" for all -> URL
    emails: Mapping[str, str] = field(default_factory=dict)
    passwords: Mapping[str, str] = field(default_factory=dict)
    tokens: Mapping[str, str] = field(default_factory=dict)

    def base_url(self, family: str) -> str | None:
        return self.base_urls.get(family) or self.base_urls.get("*")

    def option(self, kind: str, family: str) -> str | None:
        values: Mapping[str, str] = getattr(self, kind)
        return values.get(family) or values.get("*")

    def is_real(self, family: str) -> bool:
        return self.base_url(family) is not None


def split_families(value: str | Iterable[str], where: str) -> tuple[str, ...]:
    """``"medusa-v1, app-keys"`` or a list of names -> checked, de-duplicated family names."""
    items = re.split(r"[,\s]+", value) if isinstance(value, str) else [str(v) for v in value]
    names = tuple(dict.fromkeys(item.strip() for item in items if item.strip()))
    known = family_names()
    unknown = [name for name in names if name not in known]
    if unknown:
        raise SettingsError(f"{where}: unknown family {', '.join(unknown)}; choose from {', '.join(known)}")
    if not names:
        raise SettingsError(f"{where}: name at least one family ({', '.join(known)})")
    return names


def per_family(values: Sequence[str]) -> dict[str, str]:
    """``["xclade-v2=https://a", "https://b"]`` -> ``{"xclade-v2": "https://a", "*": "https://b"}``."""
    found: dict[str, str] = {}
    for value in values:
        family, sep, rest = value.partition("=")
        key = family if sep and family in family_names() else "*"
        found[key] = rest if key != "*" else value
    return found


def build_settings(
    *,
    cli_families: str | None,
    ini_families: str,
    cli_profile: str | None,
    ini_profile: str,
    base_urls: Sequence[str] = (),
    emails: Sequence[str] = (),
    passwords: Sequence[str] = (),
    tokens: Sequence[str] = (),
) -> Settings:
    if cli_families:
        families, families_from = split_families(cli_families, "--revokit-families"), "--revokit-families"
    elif ini_families.strip():
        families, families_from = split_families(ini_families, "ini revokit_families"), "ini revokit_families"
    else:
        families, families_from = family_names(), "default: every family"
    if cli_profile:
        profile, profile_from = cli_profile, "--revokit-profile"
    elif ini_profile.strip():
        profile, profile_from = ini_profile.strip(), "ini revokit_profile"
    else:
        profile, profile_from = CONTRACT_PROFILE, "default"
    urls = per_family(base_urls)
    for family, url in urls.items():
        if not re.match(r"^https?://[^/\s]+", url):
            raise SettingsError(f"--revokit-base-url: {url!r} is not an http(s) URL")
        if family != "*" and family not in families:
            raise SettingsError(
                f"--revokit-base-url names {family}, which is not among the revokit families "
                f"({', '.join(families)}; {families_from})"
            )
    if "*" in urls and len(families) > 1 and not all(f in urls for f in families):
        raise SettingsError(
            f"--revokit-base-url {urls['*']} has no FAMILY= prefix, so it would serve every revokit "
            f"family ({', '.join(families)}): choose the family with --revokit-families, or write "
            "--revokit-base-url FAMILY=URL"
        )
    return Settings(
        families=families,
        profile=profile,
        families_from=families_from,
        profile_from=profile_from,
        base_urls=urls,
        emails=per_family(emails),
        passwords=per_family(passwords),
        tokens=per_family(tokens),
    )


def check_profile(settings: Settings) -> None:
    """Fail early on an unknown profile (imports the spec loader, so only for a chosen one)."""
    if settings.profile == CONTRACT_PROFILE:
        return
    from .specs import load_profile

    try:
        load_profile(settings.profile)
    except KeyError as exc:
        raise SettingsError(f"{settings.profile_from}: {exc.args[0]}") from None
