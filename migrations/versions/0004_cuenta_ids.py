"""cuenta: ids que nunca se repiten (AUTOINCREMENT en SQLite)

Revision ID: 0004_cuenta_ids
Revises: 0003_intento_sin_cuenta
Create Date: 2026-11-27 12:00:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = "0004_cuenta_ids"
down_revision = "0003_intento_sin_cuenta"
branch_labels = None
depends_on = None


# Sessions and emailed links name an account by id. Once accounts can be closed (domain/cierre),
# a closed account's id must never name a new one, or its old session cookie or recovery link
# would open the new account. PostgreSQL's sequence never gives an id twice; SQLite gives the
# largest freed id again unless the table is AUTOINCREMENT, which only rebuilding it can add.


def upgrade():
    _autoincrement(True)


def downgrade():
    _autoincrement(False)


def _autoincrement(on):
    if op.get_bind().dialect.name != "sqlite":
        return
    with op.batch_alter_table(
        "cuenta", recreate="always", table_kwargs={"sqlite_autoincrement": on}
    ):
        pass
