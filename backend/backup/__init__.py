"""Backups: ``gridwatch backup`` / ``gridwatch restore`` for SpatiaLite or PostGIS plus the photo store."""

from backend.backup.manifest import BackupError, Manifest
from backend.backup.service import RestoreReport, backup, restore, verify

__all__ = ["BackupError", "Manifest", "RestoreReport", "backup", "restore", "verify"]
