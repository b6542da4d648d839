"""A trainee's move to another group in their status history (from which group to which), and
the trainee's phone number as enrolment compares it

Revision ID: f2a8c4d6e913
Revises: b8e2f4c61d37
Create Date: 2026-12-03 08:15:00.000000

"""
import re

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'f2a8c4d6e913'
down_revision = 'b8e2f4c61d37'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('trainee_status_changes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('from_cohort_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('to_cohort_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            'fk_trainee_status_changes_from_cohort_id_cohorts', 'cohorts', ['from_cohort_id'], ['id']
        )
        batch_op.create_foreign_key(
            'fk_trainee_status_changes_to_cohort_id_cohorts', 'cohorts', ['to_cohort_id'], ['id']
        )
    with op.batch_alter_table('trainees', schema=None) as batch_op:
        batch_op.add_column(sa.Column('phone_key', sa.String(length=9), nullable=True))
        batch_op.create_index(batch_op.f('ix_trainees_phone_key'), ['phone_key'], unique=False)
    # The last nine digits, as core.text_rules.phone_key makes them (copied: a migration stays as it was).
    connection = op.get_bind()
    trainees = sa.table(
        'trainees', sa.column('id', sa.Integer), sa.column('phone', sa.String), sa.column('phone_key', sa.String)
    )
    for trainee_id, phone in connection.execute(sa.select(trainees.c.id, trainees.c.phone)).all():
        digits = re.sub(r"\D", "", phone or "")
        if len(digits) >= 9:
            connection.execute(
                trainees.update().where(trainees.c.id == trainee_id).values(phone_key=digits[-9:])
            )


def downgrade():
    with op.batch_alter_table('trainees', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_trainees_phone_key'))
        batch_op.drop_column('phone_key')
    with op.batch_alter_table('trainee_status_changes', schema=None) as batch_op:
        batch_op.drop_constraint('fk_trainee_status_changes_to_cohort_id_cohorts', type_='foreignkey')
        batch_op.drop_constraint('fk_trainee_status_changes_from_cohort_id_cohorts', type_='foreignkey')
        batch_op.drop_column('to_cohort_id')
        batch_op.drop_column('from_cohort_id')
