"""paper questionnaires: the number printed on a paper or interviewer questionnaire typed in

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-03 09:10:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('response', schema=None) as batch_op:
        batch_op.add_column(sa.Column('paper_number', sa.Integer(), nullable=True))
        batch_op.create_unique_constraint(
            batch_op.f('uq_response_round_id_group_paper_number'), ['round_id', 'group', 'paper_number']
        )


def downgrade():
    with op.batch_alter_table('response', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_response_round_id_group_paper_number'), type_='unique')
        batch_op.drop_column('paper_number')
