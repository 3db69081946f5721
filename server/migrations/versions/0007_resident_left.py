"""residents: left_at, left_reason, left_ticket (died or moved out), added_ticket (born)

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("residents") as batch:
        batch.add_column(sa.Column("left_at", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("left_reason", sa.String(length=20), nullable=True))
        batch.add_column(sa.Column("left_ticket", sa.String(length=20), nullable=True))
        batch.add_column(sa.Column("added_ticket", sa.String(length=20), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("residents") as batch:
        batch.drop_column("added_ticket")
        batch.drop_column("left_ticket")
        batch.drop_column("left_reason")
        batch.drop_column("left_at")
