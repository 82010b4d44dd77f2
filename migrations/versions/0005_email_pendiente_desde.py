"""cuenta.email_pendiente_desde: cuándo se pidió el correo nuevo, para olvidarlo al vencer

Revision ID: 0005_email_pendiente_desde
Revises: 0004_cuenta_ids
Create Date: 2026-11-27 12:00:00.000000

"""
import datetime as dt

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
    # An address already waiting has a link that may still work, sent no one knows when: it
    # counts from now, or it would be hidden at once and forgotten by the first purge. The
    # value is bound as the app writes it (UTC; naive text on SQLite), so comparisons agree.
    cuenta = sa.table(
        "cuenta",
        sa.column("email_pendiente", sa.String),
        sa.column("email_pendiente_desde", sa.DateTime(timezone=True)),
    )
    op.execute(
        cuenta.update()
        .where(cuenta.c.email_pendiente.is_not(None))
        .values(email_pendiente_desde=dt.datetime.now(dt.UTC))
    )


def downgrade():
    with op.batch_alter_table("cuenta", schema=None) as batch_op:
        batch_op.drop_column("email_pendiente_desde")
