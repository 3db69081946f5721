"""kiosk heartbeat: last heartbeat, device health, app version, outbox backlog

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("kiosks") as batch:
        batch.add_column(sa.Column("last_heartbeat_at", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("device_health", sa.Text(), nullable=False, server_default="[]"))
        batch.add_column(
            sa.Column("app_version", sa.String(length=40), nullable=False, server_default="")
        )
        batch.add_column(
            sa.Column("outbox_pending", sa.Integer(), nullable=False, server_default="0")
        )


def downgrade() -> None:
    with op.batch_alter_table("kiosks") as batch:
        batch.drop_column("outbox_pending")
        batch.drop_column("app_version")
        batch.drop_column("device_health")
        batch.drop_column("last_heartbeat_at")
