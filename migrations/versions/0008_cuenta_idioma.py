"""cuenta.idioma: el idioma de su titular, para escribirle los avisos de la cuenta en él

Revision ID: 0008_cuenta_idioma
Revises: 0007_correo_cuenta
Create Date: 2026-11-28 10:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0008_cuenta_idioma"
down_revision = "0007_correo_cuenta"
branch_labels = None
depends_on = None


# The accounts already there never said which language they use: Spanish, the portal's own,
# until their owner signs in or switches language signed in (either sets it).


def upgrade():
    with op.batch_alter_table("cuenta", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("idioma", sa.String(length=5), server_default="es", nullable=False)
        )


def downgrade():
    with op.batch_alter_table("cuenta", schema=None) as batch_op:
        batch_op.drop_column("idioma")
