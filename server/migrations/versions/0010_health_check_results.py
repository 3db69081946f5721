"""remote health checks: the level asked for, and the kiosk's result with its time

Revision ID: 0010
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("kiosk_health_check_requests") as batch:
        batch.add_column(
            sa.Column("level", sa.String(length=20), nullable=False, server_default="external")
        )
        batch.add_column(sa.Column("result", sa.Text(), nullable=True))
        batch.add_column(sa.Column("reported_at", sa.DateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("kiosk_health_check_requests") as batch:
        batch.drop_column("reported_at")
        batch.drop_column("result")
        batch.drop_column("level")
