"""sessions: a description for trainees apart from the internal notes; users: their calendar alert

Revision ID: 7c41d2e8b5a0
Revises: 5b0c3e1f9a27
Create Date: 2026-12-02 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7c41d2e8b5a0'
down_revision = '5b0c3e1f9a27'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('training_sessions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('description', sa.Text(), server_default='', nullable=False))
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('calendar_alert', sa.String(length=12), nullable=True))


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('calendar_alert')
    with op.batch_alter_table('training_sessions', schema=None) as batch_op:
        batch_op.drop_column('description')
