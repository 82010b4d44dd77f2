import contextlib
import logging
from logging.config import fileConfig

from flask import current_app
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from alembic import context

# this is the Alembic Config object, which provides
# access to the values within the .ini file in use.
config = context.config

# Interpret the config file for Python logging.
# This line sets up loggers basically.
fileConfig(config.config_file_name, disable_existing_loggers=False)
logger = logging.getLogger('alembic.env')

# `make serve` migrates on every server as it starts. Two upgrades at once on PostgreSQL both
# find the schema missing and both create it: one fails on a duplicate type or table, and its
# server never starts. Each upgrade waits for this lock instead, and the later ones find the
# schema already at head. The key is fixed: any number that no other lock of the portal uses
# ("derecho" in ASCII).
MIGRATION_LOCK = int.from_bytes(b'derecho', 'big')


def get_engine():
    return current_app.extensions['migrate'].db.engine


def get_engine_url():
    try:
        return get_engine().url.render_as_string(hide_password=False).replace(
            '%', '%%')
    except AttributeError:
        return str(get_engine().url).replace('%', '%%')


# add your model's MetaData object here
# for 'autogenerate' support
# from myapp import mymodel
# target_metadata = mymodel.Base.metadata
config.set_main_option('sqlalchemy.url', get_engine_url())
target_db = current_app.extensions['migrate'].db

# other values from the config, defined by the needs of env.py,
# can be acquired:
# my_important_option = config.get_main_option("my_important_option")
# ... etc.


def get_metadata():
    if hasattr(target_db, 'metadatas'):
        return target_db.metadatas[None]
    return target_db.metadata


def run_migrations_offline():
    """Run migrations in 'offline' mode.

    This configures the context with just a URL
    and not an Engine, though an Engine is acceptable
    here as well.  By skipping the Engine creation
    we don't even need a DBAPI to be available.

    Calls to context.execute() here emit the given string to the
    script output.

    """
    url = config.get_main_option("sqlalchemy.url")
    context.configure(
        url=url, target_metadata=get_metadata(), literal_binds=True
    )

    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online():
    """Run migrations in 'online' mode.

    In this scenario we need to create an Engine
    and associate a connection with the context.

    """

    # this callback is used to prevent an auto-migration from being generated
    # when there are no changes to the schema
    # reference: http://alembic.zzzcomputing.com/en/latest/cookbook.html
    def process_revision_directives(context, revision, directives):
        if getattr(config.cmd_opts, 'autogenerate', False):
            script = directives[0]
            if script.upgrade_ops.is_empty():
                directives[:] = []
                logger.info('No changes in schema detected.')

    conf_args = current_app.extensions['migrate'].configure_args
    if conf_args.get("process_revision_directives") is None:
        conf_args["process_revision_directives"] = process_revision_directives

    connectable = get_engine()

    with connectable.connect() as connection, migration_lock(connection):
        context.configure(
            connection=connection,
            target_metadata=get_metadata(),
            **conf_args
        )

        with context.begin_transaction():
            context.run_migrations()


@contextlib.contextmanager
def migration_lock(connection):
    """Hold PostgreSQL's advisory lock MIGRATION_LOCK on ``connection`` while migrating.

    A session lock, not a transaction's: it is committed at once, so Alembic still begins and
    commits its own transaction, and the version it reads comes after the lock's wait.
    SQLite needs none: it serves one server, and takes its own write lock.
    """
    if connection.dialect.name != 'postgresql':
        yield
        return
    connection.execute(text('SELECT pg_advisory_lock(:key)'), {'key': MIGRATION_LOCK})
    connection.commit()
    try:
        yield
    finally:
        # A connection that broke lost the lock with its session: nothing left to release.
        with contextlib.suppress(SQLAlchemyError):
            connection.rollback()
            connection.execute(
                text('SELECT pg_advisory_unlock(:key)'), {'key': MIGRATION_LOCK}
            )
            connection.commit()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
