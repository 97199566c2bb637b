"""event report introduction

Revision ID: 7d41c0a9e3b2
Revises: fba2baaf31c1
Create Date: 2026-12-06 14:45:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "7d41c0a9e3b2"
down_revision = "fba2baaf31c1"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("outcomes", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("report_introduction", sa.Text(), nullable=False, server_default="")
        )


def downgrade():
    with op.batch_alter_table("outcomes", schema=None) as batch_op:
        batch_op.drop_column("report_introduction")
