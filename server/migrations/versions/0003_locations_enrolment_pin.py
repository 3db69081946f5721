"""locations, enrolment codes, pickup by registration number + PIN, request nonces

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 14:13:48.393126
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "locations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("address", sa.String(length=200), nullable=False),
        sa.Column("region_code", sa.String(length=13), nullable=False),
        sa.Column("latitude", sa.Double(), nullable=True),
        sa.Column("longitude", sa.Double(), nullable=True),
        sa.Column("opening_hours", sa.Text(), nullable=False),
        sa.Column("enabled_services", sa.Text(), nullable=False),
        sa.Column("config_version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "request_nonces",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kiosk_id", sa.String(length=40), nullable=False),
        sa.Column("nonce", sa.String(length=64), nullable=False),
        sa.Column("seen_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("kiosk_id", "nonce"),
    )
    with op.batch_alter_table("request_nonces", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_request_nonces_seen_at"), ["seen_at"], unique=False)

    op.create_table(
        "enrolment_codes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kiosk_id", sa.String(length=40), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("used_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["kiosk_id"],
            ["kiosks.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("code_hash"),
    )
    with op.batch_alter_table("kiosks", schema=None) as batch_op:
        batch_op.add_column(sa.Column("location_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("config_version_applied", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.create_foreign_key("fk_kiosks_location_id", "locations", ["location_id"], ["id"])

    with op.batch_alter_table("pickup_codes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("registration_number", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("pin_hash", sa.String(length=64), nullable=True))
        batch_op.add_column(
            sa.Column("failed_attempts", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(sa.Column("locked_until", sa.DateTime(), nullable=True))
        batch_op.create_unique_constraint(
            "uq_pickup_codes_registration_number", ["registration_number"]
        )


def downgrade() -> None:
    with op.batch_alter_table("pickup_codes", schema=None) as batch_op:
        batch_op.drop_constraint("uq_pickup_codes_registration_number", type_="unique")
        batch_op.drop_column("locked_until")
        batch_op.drop_column("failed_attempts")
        batch_op.drop_column("pin_hash")
        batch_op.drop_column("registration_number")

    with op.batch_alter_table("kiosks", schema=None) as batch_op:
        batch_op.drop_constraint("fk_kiosks_location_id", type_="foreignkey")
        batch_op.drop_column("config_version_applied")
        batch_op.drop_column("location_id")

    op.drop_table("enrolment_codes")
    with op.batch_alter_table("request_nonces", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_request_nonces_seen_at"))

    op.drop_table("request_nonces")
    op.drop_table("locations")
