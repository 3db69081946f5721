"""applications: the form, its papers, its status history, issued documents, notifications

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "applications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket", sa.String(length=20), nullable=False),
        sa.Column("service_code", sa.String(length=40), nullable=False),
        sa.Column("channel", sa.String(length=12), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("region_code", sa.String(length=13), nullable=False),
        sa.Column("applicant_nik", sa.String(length=16), nullable=False),
        sa.Column("applicant_phone", sa.String(length=20), nullable=True),
        sa.Column("applicant_email", sa.String(length=120), nullable=True),
        sa.Column("notify_via", sa.String(length=12), nullable=False),
        sa.Column("field_values", sa.Text(), nullable=False),
        sa.Column("status_reason", sa.Text(), nullable=True),
        sa.Column("fix_papers", sa.Text(), nullable=False),
        sa.Column("kiosk_id", sa.String(length=40), nullable=True),
        sa.Column("idempotency_key", sa.String(length=64), nullable=True),
        sa.Column("request_digest", sa.String(length=64), nullable=True),
        sa.Column("pickup_code_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["kiosk_id"], ["kiosks.id"]),
        sa.ForeignKeyConstraint(["pickup_code_id"], ["pickup_codes.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint(
            "kiosk_id", "idempotency_key", name="uq_applications_kiosk_idempotency"
        ),
        sa.UniqueConstraint("ticket"),
    )
    with op.batch_alter_table("applications", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_applications_status"), ["status"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_applications_applicant_nik"), ["applicant_nik"], unique=False
        )

    op.create_table(
        "application_documents",
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(["application_id"], ["applications.id"]),
        sa.ForeignKeyConstraint(["document_id"], ["documents.id"]),
        sa.PrimaryKeyConstraint("application_id", "document_id"),
    )
    op.create_table(
        "application_papers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("requirement_code", sa.String(length=40), nullable=False),
        sa.Column("content_type", sa.String(length=20), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(), nullable=False),
        sa.Column("superseded_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["application_id"], ["applications.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "application_status_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("from_status", sa.String(length=20), nullable=True),
        sa.Column("to_status", sa.String(length=20), nullable=False),
        sa.Column("actor", sa.String(length=60), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["application_id"], ["applications.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "application_notifications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("channel", sa.String(length=12), nullable=False),
        sa.Column("recipient", sa.String(length=120), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["application_id"], ["applications.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    for table in ("application_papers", "application_status_changes", "application_notifications"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_index(
                batch_op.f(f"ix_{table}_application_id"), ["application_id"], unique=False
            )


def downgrade() -> None:
    for table in ("application_notifications", "application_status_changes", "application_papers"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(batch_op.f(f"ix_{table}_application_id"))
        op.drop_table(table)
    op.drop_table("application_documents")
    with op.batch_alter_table("applications", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_applications_applicant_nik"))
        batch_op.drop_index(batch_op.f("ix_applications_status"))
    op.drop_table("applications")
