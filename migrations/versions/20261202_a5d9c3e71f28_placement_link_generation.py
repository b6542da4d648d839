"""placements.link_generation: a manager revokes a placement's e-mail links by raising it

Revision ID: a5d9c3e71f28
Revises: e7b3c5a80d14
Create Date: 2026-12-02 15:10:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'a5d9c3e71f28'
down_revision = 'e7b3c5a80d14'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('placements', schema=None) as batch_op:
        batch_op.add_column(sa.Column('link_generation', sa.Integer(), server_default='0', nullable=False))


def downgrade():
    with op.batch_alter_table('placements', schema=None) as batch_op:
        batch_op.drop_column('link_generation')
