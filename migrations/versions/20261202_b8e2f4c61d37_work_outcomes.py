"""Follow-ups after the programme: work outcomes, the completion day, and the opt-out

Revision ID: b8e2f4c61d37
Revises: d3b6e9f2a417
Create Date: 2026-12-02 18:30:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'b8e2f4c61d37'
down_revision = 'd3b6e9f2a417'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('trainees', schema=None) as batch_op:
        batch_op.add_column(sa.Column('completed_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('follow_ups_stopped_at', sa.DateTime(timezone=True), nullable=True))
    # Trainees who completed before the column existed: the day of their last "completed" step.
    op.execute(
        "UPDATE trainees SET completed_on = (SELECT MAX(effective_on) FROM trainee_status_changes "
        "WHERE trainee_status_changes.trainee_id = trainees.id "
        "AND trainee_status_changes.status = 'completed') WHERE status = 'completed'"
    )
    op.create_table(
        'work_outcomes',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('trainee_id', sa.Integer(), nullable=False),
        sa.Column('months', sa.Integer(), nullable=False),
        sa.Column('work', sa.String(length=12), nullable=False),
        sa.Column('employer_municipality_id', sa.Integer(), nullable=True),
        sa.Column('employer_name', sa.String(length=120), nullable=False),
        sa.Column('hours_per_week', sa.Integer(), nullable=True),
        sa.Column('evidence', sa.String(length=20), nullable=False),
        sa.Column('source', sa.String(length=20), nullable=False),
        sa.Column('note', sa.String(length=300), nullable=False),
        sa.Column('known_on', sa.Date(), nullable=False),
        sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('recorded_by_id', sa.Integer(), nullable=True),
        sa.Column('employer_answer', sa.String(length=10), nullable=True),
        sa.Column('employer_answered_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('employer_answered_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ['employer_municipality_id'],
            ['municipalities.id'],
            name=op.f('fk_work_outcomes_employer_municipality_id_municipalities'),
        ),
        sa.ForeignKeyConstraint(
            ['recorded_by_id'], ['users.id'], name=op.f('fk_work_outcomes_recorded_by_id_users'), ondelete='SET NULL'
        ),
        sa.ForeignKeyConstraint(
            ['employer_answered_by_id'],
            ['users.id'],
            name=op.f('fk_work_outcomes_employer_answered_by_id_users'),
            ondelete='SET NULL',
        ),
        sa.ForeignKeyConstraint(
            ['trainee_id'], ['trainees.id'], name=op.f('fk_work_outcomes_trainee_id_trainees'), ondelete='CASCADE'
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_work_outcomes')),
    )
    with op.batch_alter_table('work_outcomes', schema=None) as batch_op:
        batch_op.create_index('ix_work_outcomes_trainee_months', ['trainee_id', 'months'], unique=False)
        batch_op.create_index(
            'uq_work_outcomes_link_answer',
            ['trainee_id', 'months'],
            unique=True,
            sqlite_where=sa.text("source = 'follow_up_link'"),
            postgresql_where=sa.text("source = 'follow_up_link'"),
        )


def downgrade():
    op.drop_table('work_outcomes')
    with op.batch_alter_table('trainees', schema=None) as batch_op:
        batch_op.drop_column('follow_ups_stopped_at')
        batch_op.drop_column('completed_on')
