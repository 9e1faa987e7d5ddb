"""instrument cities: an uploaded questionnaire belongs to the cities of whoever uploaded it (null: every city)

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04 20:10:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('instrument') as batch_op:
        batch_op.add_column(sa.Column('city_ids', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('instrument') as batch_op:
        batch_op.drop_column('city_ids')
