"""The store's tables (SQLAlchemy Core): attempts, versions with their tidy tables and raw
parts, which version is current, and the refresh lock."""

from __future__ import annotations

import sqlalchemy as sa

SCHEMA_VERSION = 1
metadata = sa.MetaData()

meta = sa.Table(
    "pp_meta",
    metadata,
    sa.Column("key", sa.String(64), primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
)
attempts = sa.Table(
    "pp_attempts",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("source_id", sa.String(64), nullable=False, index=True),
    sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("finished_at", sa.DateTime(timezone=True)),
    # running ok unchanged failed skipped interrupted
    sa.Column("outcome", sa.String(16), nullable=False),
    sa.Column("error_class", sa.String(32)),
    sa.Column("error", sa.Text),
    sa.Column("sha256", sa.String(64)),
    sa.Column("rows", sa.Integer),
    sa.Column("schema_fingerprint", sa.Text),
    sa.Column("version_id", sa.Integer),
    sa.Column("requests", sa.Integer),
    sa.Column("retries", sa.Integer),
    sa.Column("host", sa.String(255)),
    sa.Column("pid", sa.Integer),
)
versions = sa.Table(
    "pp_versions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("source_id", sa.String(64), nullable=False, index=True),
    sa.Column("attempt_id", sa.Integer, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("fetched_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("sha256", sa.String(64), nullable=False),
    sa.Column("table_sha256", sa.String(64), nullable=False),
    sa.Column("rows", sa.Integer, nullable=False),
    sa.Column("schema_fingerprint", sa.Text, nullable=False),
    sa.Column("upstream_updated", sa.String(64)),
)
version_tables = sa.Table(
    "pp_version_tables",
    metadata,
    sa.Column("version_id", sa.Integer, primary_key=True),
    sa.Column("body", sa.LargeBinary, nullable=False),  # gzip of pandas JSON (orient="table")
)
raw_parts = sa.Table(
    "pp_raw_parts",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("attempt_id", sa.Integer, nullable=False, index=True),
    sa.Column("source_id", sa.String(64), nullable=False),
    sa.Column("seq", sa.Integer, nullable=False),
    sa.Column("url", sa.Text, nullable=False),
    sa.Column("params", sa.Text, nullable=False),
    sa.Column("fetched_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("status", sa.Integer, nullable=False),
    sa.Column("content_type", sa.String(255), nullable=False),
    sa.Column("size", sa.Integer, nullable=False),
    sa.Column("sha256", sa.String(64), nullable=False),
    sa.Column("upstream_updated", sa.String(64)),
    sa.Column("body", sa.LargeBinary),  # kept for promoted and quarantined (failed) payloads
)
current = sa.Table(
    "pp_current",
    metadata,
    sa.Column("source_id", sa.String(64), primary_key=True),
    sa.Column("version_id", sa.Integer, nullable=False),
    sa.Column("promoted_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("checked_at", sa.DateTime(timezone=True), nullable=False),
)
locks = sa.Table(
    "pp_locks",
    metadata,
    sa.Column("name", sa.String(64), primary_key=True),
    sa.Column("holder", sa.String(128), nullable=False),
    sa.Column("host", sa.String(255), nullable=False),
    sa.Column("pid", sa.Integer, nullable=False),
    sa.Column("acquired_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
)
# The change log: what each promoted version changed against the one before it (rows added,
# removed, values revised), and the source's health turns (failed, stale, recovered). Written in
# the promotion's own transaction; `key` makes each record once only (see data_sources/changes.py).
changes = sa.Table(
    "pp_changes",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("key", sa.String(160), nullable=False, unique=True),
    sa.Column("source_id", sa.String(64), nullable=False, index=True),
    sa.Column("version_id", sa.Integer),  # the version it describes (None: failed / stale)
    sa.Column("previous_version_id", sa.Integer),
    # added revised removed | failed stale recovered
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, index=True),
    sa.Column("rows", sa.Integer, nullable=False),  # rows (or values, for `revised`) it counts
    sa.Column("summary", sa.Text, nullable=False),
    sa.Column("detail", sa.Text, nullable=False),  # JSON list of items (capped)
)
# The outbox: alerts raised by the rules (data_sources/alerts.py), written in the same transaction
# as the change that raised them; `body` is the exact JSON every receiver gets.
alerts = sa.Table(
    "pp_alerts",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("key", sa.String(200), nullable=False, unique=True),  # one alert per fact
    sa.Column("rule", sa.String(64), nullable=False),
    sa.Column("source_id", sa.String(64), nullable=False),
    sa.Column("change_id", sa.Integer),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, index=True),
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("body", sa.Text, nullable=False),
)
# One row per (alert, receiver): receivers are named by a hash of their URL, never the URL.
deliveries = sa.Table(
    "pp_deliveries",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("alert_id", sa.Integer, nullable=False),
    sa.Column("receiver", sa.String(16), nullable=False),
    sa.Column("status", sa.String(16), nullable=False),  # pending delivered failed
    sa.Column("attempts", sa.Integer, nullable=False),
    sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("claimed_until", sa.DateTime(timezone=True)),
    sa.Column("last_error", sa.String(200)),
    sa.Column("delivered_at", sa.DateTime(timezone=True)),
    sa.UniqueConstraint("alert_id", "receiver", name="pp_deliveries_once"),
)
# Rendered artifacts (data_sources/artifacts.py): bytes a renderer process made from stored
# versions — the dashboard's chart images — keyed by the caller's key (which names the versions
# they were drawn from), and the bounded queue of artifacts asked for but not rendered yet.
artifacts = sa.Table(
    "pp_artifacts",
    metadata,
    sa.Column("key", sa.String(160), primary_key=True),
    sa.Column("content_type", sa.String(64), nullable=False),
    sa.Column("body", sa.LargeBinary, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, index=True),
)
artifact_queue = sa.Table(
    "pp_artifact_queue",
    metadata,
    sa.Column("key", sa.String(160), primary_key=True),  # one entry per artifact: deduplicated
    sa.Column("spec", sa.Text, nullable=False),  # what to render, as the caller wrote it (JSON)
    sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False, index=True),
)
