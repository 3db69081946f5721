"""web console: staff passwords, sessions, login throttling, kiosk health history and checks

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("staff_accounts") as batch:
        batch.add_column(sa.Column("password_hash", sa.String(length=200), nullable=True))
        batch.add_column(sa.Column("password_set_at", sa.DateTime(), nullable=True))
    op.create_table(
        "kiosk_heartbeat_samples",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kiosk_id", sa.String(length=40), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("device_health", sa.Text(), nullable=False),
        sa.Column("outbox_pending", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["kiosk_id"], ["kiosks.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("kiosk_heartbeat_samples") as batch:
        batch.create_index("ix_kiosk_heartbeat_samples_kiosk_id", ["kiosk_id"], unique=False)
        batch.create_index("ix_kiosk_heartbeat_samples_at", ["at"], unique=False)
    op.create_table(
        "kiosk_health_check_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kiosk_id", sa.String(length=40), nullable=False),
        sa.Column("requested_at", sa.DateTime(), nullable=False),
        sa.Column("requested_by", sa.String(length=60), nullable=False),
        sa.Column("delivered_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["kiosk_id"], ["kiosks.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("kiosk_health_check_requests") as batch:
        batch.create_index("ix_kiosk_health_check_requests_kiosk_id", ["kiosk_id"], unique=False)
    op.create_table(
        "console_sessions",
        sa.Column("id_hash", sa.String(length=64), nullable=False),
        sa.Column("username", sa.String(length=60), nullable=False),
        sa.Column("csrf_token", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id_hash"),
    )
    with op.batch_alter_table("console_sessions") as batch:
        batch.create_index("ix_console_sessions_username", ["username"], unique=False)
        batch.create_index("ix_console_sessions_last_seen_at", ["last_seen_at"], unique=False)
    op.create_table(
        "console_login_throttle",
        sa.Column("key", sa.String(length=120), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("last_failure_at", sa.DateTime(), nullable=False),
        sa.Column("locked_until", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("key"),
    )


def downgrade() -> None:
    op.drop_table("console_login_throttle")
    with op.batch_alter_table("console_sessions") as batch:
        batch.drop_index("ix_console_sessions_last_seen_at")
        batch.drop_index("ix_console_sessions_username")
    op.drop_table("console_sessions")
    with op.batch_alter_table("kiosk_heartbeat_samples") as batch:
        batch.drop_index("ix_kiosk_heartbeat_samples_at")
        batch.drop_index("ix_kiosk_heartbeat_samples_kiosk_id")
    op.drop_table("kiosk_heartbeat_samples")
    with op.batch_alter_table("kiosk_health_check_requests") as batch:
        batch.drop_index("ix_kiosk_health_check_requests_kiosk_id")
    op.drop_table("kiosk_health_check_requests")
    with op.batch_alter_table("staff_accounts") as batch:
        batch.drop_column("password_set_at")
        batch.drop_column("password_hash")
