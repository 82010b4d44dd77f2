"""repeticion: lo que hizo una petición, unos momentos, para darle lo mismo a su repetición

Revision ID: 0006_repeticion
Revises: 0005_email_pendiente_desde
Create Date: 2026-11-27 09:45:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0006_repeticion"
down_revision = "0005_email_pendiente_desde"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('repeticion',
    sa.Column('clave', sa.String(length=128), nullable=False),
    sa.Column('huella', sa.String(length=64), nullable=False),
    sa.Column('resultado', sa.String(length=64), nullable=True),
    sa.Column('expira', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('clave', name=op.f('pk_repeticion'))
    )
    with op.batch_alter_table('repeticion', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_repeticion_expira'), ['expira'], unique=False)


def downgrade():
    with op.batch_alter_table('repeticion', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_repeticion_expira'))

    op.drop_table('repeticion')
