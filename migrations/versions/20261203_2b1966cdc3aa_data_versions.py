"""Data versions: a number per table that every committed write raises, for caches keyed by them

Revision ID: 2b1966cdc3aa
Revises: f2a8c4d6e913
Create Date: 2026-12-03 11:02:45.839820

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '2b1966cdc3aa'
down_revision = 'f2a8c4d6e913'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'data_versions',
        sa.Column('table_name', sa.String(length=64), nullable=False),
        sa.Column('version', sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint('table_name', name=op.f('pk_data_versions')),
    )


def downgrade():
    op.drop_table('data_versions')
