"""correo.cuenta_id: la cuenta para la que se envió cada correo, para borrarlo al cerrarla

Revision ID: 0007_correo_cuenta
Revises: 0006_repeticion
Create Date: 2026-11-28 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0007_correo_cuenta"
down_revision = "0006_repeticion"
branch_labels = None
depends_on = None


# Closing an account deleted only the mail to its current and pending address: after an address
# change, the mail to the earlier one stayed until the outbox purge. Each account email now names
# its account. The rows already in the outbox cannot be given one: nothing in them says which
# account they were for (an address may have passed from one account to another), so they stay
# empty and closing goes on finding them by address, as before, until the purge takes them
# (30 days; domain/outbox_purga).


def upgrade():
    with op.batch_alter_table("correo", schema=None) as batch_op:
        batch_op.add_column(sa.Column("cuenta_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_correo_cuenta_id"), ["cuenta_id"], unique=False)


def downgrade():
    with op.batch_alter_table("correo", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_correo_cuenta_id"))
        batch_op.drop_column("cuenta_id")
