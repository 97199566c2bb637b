"""themes shown to the room, votes hidden until the result is shown, suggested titles

Revision ID: 5a1e7c0d9f21
Revises: b6a8cef38ea5
Create Date: 2026-12-06 02:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "5a1e7c0d9f21"
down_revision = "b6a8cef38ea5"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("brainstorm_sessions", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("hide_votes", sa.Boolean(), nullable=False, server_default=sa.true())
        )
        batch_op.add_column(
            sa.Column("results_shown", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        # Sessions that ran before this change showed their clusters at once: keep them shown.
        batch_op.add_column(
            sa.Column("themes_shown", sa.Boolean(), nullable=False, server_default=sa.true())
        )
    op.execute("UPDATE brainstorm_sessions SET hide_votes = false, results_shown = false")
    with op.batch_alter_table("clusters", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("suggested_title", sa.String(length=120), nullable=False, server_default="")
        )


def downgrade():
    with op.batch_alter_table("clusters", schema=None) as batch_op:
        batch_op.drop_column("suggested_title")
    with op.batch_alter_table("brainstorm_sessions", schema=None) as batch_op:
        batch_op.drop_column("themes_shown")
        batch_op.drop_column("results_shown")
        batch_op.drop_column("hide_votes")
