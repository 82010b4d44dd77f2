"""cuenta.email_pendiente_desde: cuándo se pidió el correo nuevo, para olvidarlo al vencer

Revision ID: 0005_email_pendiente_desde
Revises: 0004_cuenta_ids
Create Date: 2026-11-27 12:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0005_email_pendiente_desde"
down_revision = "0004_cuenta_ids"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("cuenta", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("email_pendiente_desde", sa.DateTime(timezone=True), nullable=True)
        )


def downgrade():
    with op.batch_alter_table("cuenta", schema=None) as batch_op:
        batch_op.drop_column("email_pendiente_desde")
