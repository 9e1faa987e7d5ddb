"""quick polls: a round's kind (a survey round of the index, or a one-page poll)

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03 10:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('survey_round', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.String(length=16), server_default='round', nullable=False))


def downgrade():
    with op.batch_alter_table('survey_round', schema=None) as batch_op:
        batch_op.drop_column('kind')
