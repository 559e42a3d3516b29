"""The one settings object. Every value can come from the environment (prefix `SALA_`) or `.env`."""

from __future__ import annotations

import ipaddress
import os
import re
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import platformdirs
from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


def default_data_dir() -> Path:
    # Root runs the embedded server as the `postgres` user, which cannot enter /root:
    # a system-wide state folder is the usual place for a service started by root.
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        return Path("/var/lib/sala")
    return Path(platformdirs.user_data_dir("sala"))


# The development value of SALA_SECRET_KEY: `sala serve` refuses it off loopback.
DEFAULT_SECRET_KEY = "change-me-in-production"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="SALA_", env_file=".env", extra="ignore")

    database_url: str | None = Field(
        default=None,
        description="PostGIS to use instead of the embedded one, e.g. postgresql+psycopg://u:p@host/db",
    )
    read_database_url: str | None = Field(
        default=None,
        description="streaming standbys that serve the dashboard's, tiles', OGC's and exports' reads, comma-separated "
        "URLs (same user, password and database as the primary); the primary answers when none does",
    )
    read_statement_timeout: float = Field(
        default=60.0, ge=0, description="seconds a read of the web server may run before the database cancels it (0: no limit)"
    )
    data_dir: Path = Field(default_factory=default_data_dir, description="embedded database and caches")
    db_port: int = Field(
        default=0, description="port of the embedded server; 0 uses the one stored for the data folder (chosen once)"
    )
    host: str = "127.0.0.1"
    port: int = 8050
    secret_key: SecretStr = SecretStr(DEFAULT_SECRET_KEY)
    trusted_proxies: str = Field(
        default="",
        description="reverse proxies whose X-Forwarded-For/-Proto are believed: addresses or CIDR blocks, comma-separated",
    )
    basemap_url: str | None = Field(
        default=None, description="XYZ tile URL template for an optional basemap, e.g. https://tiles.example/{z}/{x}/{y}.png"
    )
    basemap_attribution: str = ""
    refresh_seconds: int = Field(default=60, ge=5, description="operator mode refresh interval")
    spike_days: int = Field(default=21, ge=1, le=366, description="«Novedades»: days of the recent window a case spike is measured on")
    spike_k: float = Field(default=3.0, gt=0, description="«Novedades»: a spike exceeds median + k·MAD of the previous windows")
    silence_days: int = Field(
        default=30, ge=1, le=366, description="a communal council with no report (case, CLAP delivery, project) in this many days is silent"
    )
    hotspot_days: int = Field(default=90, ge=7, le=366, description="«Novedades»: days of cases a category hot spot is measured on")
    hotspot_ratio: float = Field(
        default=2.0, gt=1, description="«Novedades»: a hot spot's share of one category is at least this times the view's share"
    )
    hotspot_min_cases: int = Field(default=8, ge=1, description="«Novedades»: fewest cases of the category a hot spot has")
    hotspot_z: float = Field(
        default=3.0, ge=0, description="«Novedades»: a hot spot's excess over the expected cases, in binomial standard deviations"
    )
    visit_gap_minutes: int = Field(
        default=60, ge=1, description="«Nuevo desde su última visita»: a pause longer than this starts a new visit"
    )
    map_point_limit: int = Field(
        default=2000, ge=1, description="above this many records of a layer in view the room draws a heat map instead of points"
    )
    timezone: str = Field(default="America/Caracas", description="the room's local time (IANA name): times and the shift changes")
    shift_hours: str = Field(default="7,19", description="local hours at which a shift starts, comma-separated")
    export_max_features: int = Field(default=1_000_000, ge=1, description="largest export, in features")
    export_jobs: int = Field(default=2, ge=1, description="exports run at once as jobs, per server process; more wait queued")
    export_job_threshold: int = Field(
        default=50_000, ge=1, description="a web export of more features than this runs as a job (as do the pack and pdf/png/xlsx/kml)"
    )
    export_job_hours: float = Field(default=6.0, gt=0, description="hours a finished job and its file are kept")
    smtp_host: str | None = Field(default=None, description="SMTP server the e-mail notifications go through (none: e-mail is off)")
    smtp_port: int = Field(default=25, ge=1, le=65535, description="SMTP port")
    smtp_from: str = Field(default="sala@localhost", description="From address of the e-mail notifications")
    smtp_starttls: bool = Field(default=False, description="upgrade the SMTP connection with STARTTLS")
    webhook_allowed_hosts: str = Field(
        default="",
        description="hosts a notification webhook may point at (names or addresses, comma-separated; *.example.org for its "
        "subdomains); empty: no webhook is accepted",
    )
    webhook_timeout: float = Field(default=5.0, gt=0, le=120, description="seconds a webhook POST (or an SMTP exchange) may take")
    notify_attempts: int = Field(default=3, ge=1, le=10, description="tries per notification before it is marked failed")
    notify_backoff: float = Field(default=1.0, ge=0, le=60, description="seconds before the 2nd try; doubled for each next one")

    @field_validator("trusted_proxies")
    @classmethod
    def _networks_parse(cls, value: str) -> str:
        _networks(value)
        return value

    @field_validator("webhook_allowed_hosts")
    @classmethod
    def _hosts_parse(cls, value: str) -> str:
        _hosts(value)
        return value

    @field_validator("timezone")
    @classmethod
    def _timezone_known(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"SALA_TIMEZONE: «{value}» no es una zona horaria conocida (p. ej. America/Caracas)") from None
        return value

    @field_validator("shift_hours")
    @classmethod
    def _hours_parse(cls, value: str) -> str:
        _hours(value)
        return value

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def shift_start_hours(self) -> tuple[int, ...]:
        return _hours(self.shift_hours)

    @property
    def trusted_proxy_networks(self) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
        return _networks(self.trusted_proxies)

    @property
    def webhook_hosts(self) -> tuple[str, ...]:
        return _hosts(self.webhook_allowed_hosts)

    @property
    def default_secret_key(self) -> bool:
        return self.secret_key.get_secret_value() == DEFAULT_SECRET_KEY

    @property
    def embedded(self) -> bool:
        return not self.database_url

    @property
    def cluster_dir(self) -> Path:
        return self.data_dir / "postgres"

    @property
    def replica_dir(self) -> Path:
        """Where `sala db replica` keeps the embedded cluster's standby."""
        return self.data_dir / "replica" / "postgres"

    @property
    def read_database_urls(self) -> tuple[str, ...]:
        return tuple(part.strip() for part in (self.read_database_url or "").split(",") if part.strip())


def _hours(text: str) -> tuple[int, ...]:
    try:
        hours = sorted({int(part) for part in (text or "").split(",") if part.strip()})
    except ValueError:
        hours = []
    if not hours or not all(0 <= h <= 23 for h in hours):
        raise ValueError(f"SALA_SHIFT_HOURS: «{text}» no es una lista de horas (0–23) separadas por comas, p. ej. 7,19")
    return tuple(hours)


def _networks(text: str) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    networks = []
    for item in (part.strip() for part in (text or "").split(",")):
        if not item:
            continue
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            raise ValueError(f"SALA_TRUSTED_PROXIES: «{item}» no es una dirección IP ni un bloque CIDR") from None
    return tuple(networks)


_HOST = re.compile(r"^(\*\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$")


def _hosts(text: str) -> tuple[str, ...]:
    """The webhook allow-list: host names (lower case, `*.` for subdomains) and IP addresses."""
    hosts = []
    for item in (part.strip().lower().rstrip(".") for part in (text or "").split(",")):
        if not item:
            continue
        try:
            hosts.append(str(ipaddress.ip_address(item.strip("[]"))))
            continue
        except ValueError:
            pass
        if not _HOST.match(item):
            raise ValueError(f"SALA_WEBHOOK_ALLOWED_HOSTS: «{item}» no es un nombre de host ni una dirección IP (sin esquema "
                             "ni puerto)")
        hosts.append(item)
    return tuple(hosts)


@lru_cache
def get_settings() -> Settings:
    return Settings()
