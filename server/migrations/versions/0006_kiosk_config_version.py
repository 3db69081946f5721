"""kiosks.config_version: raised when the kiosk is placed or its location changes

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("kiosks") as batch:
        batch.add_column(
            sa.Column("config_version", sa.Integer(), nullable=False, server_default="1")
        )


def downgrade() -> None:
    with op.batch_alter_table("kiosks") as batch:
        batch.drop_column("config_version")
