"""The national register: municipalities get a centre, and other names and former codes

Revision ID: d3b6e9f2a417
Revises: a5d9c3e71f28
Create Date: 2026-12-02 15:40:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'd3b6e9f2a417'
down_revision = 'a5d9c3e71f28'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('municipalities', schema=None) as batch_op:
        batch_op.add_column(sa.Column('latitude', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('longitude', sa.Float(), nullable=True))
    op.create_table(
        'municipality_aliases',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('municipality_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=120), nullable=False),
        sa.Column('former_code', sa.String(length=6), nullable=True),
        sa.ForeignKeyConstraint(
            ['municipality_id'],
            ['municipalities.id'],
            name=op.f('fk_municipality_aliases_municipality_id_municipalities'),
            ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_municipality_aliases')),
    )
    with op.batch_alter_table('municipality_aliases', schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f('ix_municipality_aliases_municipality_id'), ['municipality_id'], unique=False
        )


def downgrade():
    with op.batch_alter_table('municipality_aliases', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_municipality_aliases_municipality_id'))
    op.drop_table('municipality_aliases')
    with op.batch_alter_table('municipalities', schema=None) as batch_op:
        batch_op.drop_column('longitude')
        batch_op.drop_column('latitude')
