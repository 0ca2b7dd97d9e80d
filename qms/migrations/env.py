"""Alembic environment: runs migrations on the engine handed over by ``qms.db.upgrade``."""

from alembic import context
from sqlmodel import SQLModel

import qms.models  # noqa: F401  (registers the tables on SQLModel.metadata)
from qms.db import modelled

config = context.config
engine = config.attributes.get("engine")
if engine is None:  # run from the alembic command line
    from qms.db import make_engine
    from qms.settings import get_settings

    engine = make_engine(get_settings().database_url)

with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=SQLModel.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        include_object=modelled,
    )
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
