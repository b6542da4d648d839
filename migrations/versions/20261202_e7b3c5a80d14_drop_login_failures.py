"""login_failures goes: failed logins are counted in rate_limit_hits, under hashed keys

Revision ID: e7b3c5a80d14
Revises: c4f1a7d92e60
Create Date: 2026-12-02 12:45:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'e7b3c5a80d14'
down_revision = 'c4f1a7d92e60'
branch_labels = None
depends_on = None


def upgrade():
    # What it held were typed addresses in plain text; the new counts start empty (a day's worth at most).
    with op.batch_alter_table('login_failures', schema=None) as batch_op:
        batch_op.drop_index('ix_login_failures_email_at')
        batch_op.drop_index('ix_login_failures_address_at')
    op.drop_table('login_failures')


def downgrade():
    op.create_table(
        'login_failures',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('email', sa.String(length=254), nullable=False),
        sa.Column('address', sa.String(length=64), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_login_failures')),
    )
    with op.batch_alter_table('login_failures', schema=None) as batch_op:
        batch_op.create_index('ix_login_failures_address_at', ['address', 'created_at'], unique=False)
        batch_op.create_index('ix_login_failures_email_at', ['email', 'created_at'], unique=False)
