"""api_tokens: every token has an expiry; the ones made before get 90 days from now

Revision ID: b8e2f4a61d37
Revises: a3d9e6f1c2b4
Create Date: 2026-12-02 14:00:00.000000

"""
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'b8e2f4a61d37'
down_revision = 'a3d9e6f1c2b4'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.add_column(sa.Column('expires_at', sa.DateTime(timezone=True), nullable=True))
    # Tokens in use keep working for the default lifetime, so no program stops without warning.
    op.get_bind().execute(
        sa.text("UPDATE api_tokens SET expires_at = :at"), {"at": datetime.now(UTC) + timedelta(days=90)}
    )
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.alter_column('expires_at', existing_type=sa.DateTime(timezone=True), nullable=False)


def downgrade():
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.drop_column('expires_at')
