"""Typed settings: one env prefix (GRIDWATCH_), read once per app through get_settings()."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_SQLITE_PATH = Path("var/gridwatch.sqlite")
INSECURE_SECRETS = {"", "changeme", "secret", "dev"}


class Settings(BaseSettings):
    """Deployment settings; every field can be set as GRIDWATCH_<NAME> in the environment."""

    model_config = SettingsConfigDict(env_prefix="GRIDWATCH_", extra="ignore")

    database_url: str = Field(
        default=f"sqlite:///{DEFAULT_SQLITE_PATH}",
        description="sqlite:///FILE means SpatiaLite; postgresql+psycopg://… means PostGIS.",
    )
    photo_dir: Path = Path("var/photos")
    timezone: str = "Asia/Shanghai"
    catalog_edition: str = "GB/T 47678.5-2026"
    county_code: str = "320508"
    # The basemap is optional: empty means our own vector layers only (isolated networks).
    tile_url: str = ""
    tile_attribution: str = ""
    secret_key: str = Field(default="", description="Signs tokens; must be set outside demo/test.")
    demo_mode: bool = False
    token_ttl_minutes: int = 12 * 60
    max_photo_bytes: int = 20 * 1024 * 1024
    max_photo_pixels: int = 60_000_000
    # Photo files older than this with no committed row are removed at start-up (crash leftovers).
    orphan_grace_seconds: float = 600.0

    @field_validator("database_url")
    @classmethod
    def _normalise_url(cls, value: str) -> str:
        # A bare "postgresql://" would pick psycopg2, which we do not ship.
        if value.startswith("postgresql://") or value.startswith("postgres://"):
            return "postgresql+psycopg://" + value.split("://", 1)[1]
        return value

    @field_validator("tile_url")
    @classmethod
    def _own_tile_server(cls, value: str) -> str:
        # The map pages refuse to name public tile or CDN hosts (they are unreachable on the
        # isolated networks we serve, and we load nothing from them); say so at start-up, not
        # as a failing page later.
        from map_viewer.scan import cdn_host_references

        public = cdn_host_references(value)
        if public:
            raise ValueError(
                f"GRIDWATCH_TILE_URL names a public tile/CDN host ({', '.join(public)}); point it at "
                "your own tile server (e.g. http://tiles.intranet/{z}/{x}/{y}.png) or leave it empty "
                "for GridWatch's own vector layers. / 底图地址不能使用公共瓦片或 CDN 主机，请配置本单位的瓦片服务，"
                "或留空以使用 GridWatch 自带的矢量图层。")
        return value

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    def effective_secret(self) -> str:
        """The signing secret; refuses well-known defaults unless in demo mode."""
        if self.secret_key not in INSECURE_SECRETS:
            return self.secret_key
        if self.demo_mode:
            return "gridwatch-demo-only-secret"
        raise RuntimeError(
            "GRIDWATCH_SECRET_KEY is not set (or is a well-known default); set a long random value."
        )


@lru_cache
def get_settings() -> Settings:
    return Settings()
