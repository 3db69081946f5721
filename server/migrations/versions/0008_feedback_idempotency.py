"""complaints and survey answers: one row per (kiosk, idempotency key); complaint notifications

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

TABLES = {"complaints": "uq_complaints_kiosk_key", "survey_answers": "uq_survey_answers_kiosk_key"}


def upgrade() -> None:
    for table, constraint in TABLES.items():
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("idempotency_key", sa.String(length=64), nullable=True))
            batch.add_column(sa.Column("request_digest", sa.String(length=64), nullable=True))
            batch.create_unique_constraint(constraint, ["kiosk_id", "idempotency_key"])
    with op.batch_alter_table("application_notifications") as batch:
        batch.alter_column("application_id", existing_type=sa.Integer(), nullable=True)
        batch.add_column(sa.Column("complaint_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            "fk_application_notifications_complaint", "complaints", ["complaint_id"], ["id"]
        )
        batch.create_index(
            "ix_application_notifications_complaint_id", ["complaint_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("application_notifications") as batch:
        batch.drop_index("ix_application_notifications_complaint_id")
        batch.drop_constraint("fk_application_notifications_complaint", type_="foreignkey")
        batch.drop_column("complaint_id")
        batch.alter_column("application_id", existing_type=sa.Integer(), nullable=False)
    for table, constraint in TABLES.items():
        with op.batch_alter_table(table) as batch:
            batch.drop_constraint(constraint, type_="unique")
            batch.drop_column("request_digest")
            batch.drop_column("idempotency_key")
